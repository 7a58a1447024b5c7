namespace Guardia.Core.Silences;

/// <summary>Where a silence is in its life, computed from the current time (Alertmanager's <c>types.SilenceState</c>).</summary>
public enum SilenceState
{
    /// <summary>Mutes matching alerts now: started, and not ended.</summary>
    Active = 0,

    /// <summary>Starts in the future.</summary>
    Pending = 1,

    /// <summary>Ended; kept for the retention period, then collected.</summary>
    Expired = 2,
}

/// <summary>Text forms of <see cref="SilenceState"/>.</summary>
public static class SilenceStateExtensions
{
    /// <summary>Returns the state as API v2 spells it: <c>active</c>, <c>pending</c> or <c>expired</c>.</summary>
    public static string ToApiString(this SilenceState state) => state switch
    {
        SilenceState.Active => "active",
        SilenceState.Pending => "pending",
        SilenceState.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "unknown silence state"),
    };
}
