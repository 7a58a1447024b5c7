namespace Guardia.Core.Notify;

/// <summary>The outcome of one delivery attempt: success, or an error that may or may not be worth retrying.</summary>
public readonly record struct NotifyResult(string? Error, bool Retry)
{
    /// <summary>A successful delivery.</summary>
    public static NotifyResult Success => default;

    /// <summary>True when the attempt delivered the notification.</summary>
    public bool Succeeded => Error is null;

    /// <summary>A failed attempt that may succeed when tried again (timeouts, 5xx).</summary>
    public static NotifyResult Retryable(string error) => new(error, true);

    /// <summary>A failed attempt that will fail again (4xx, bad configuration).</summary>
    public static NotifyResult Permanent(string error) => new(error, false);
}
