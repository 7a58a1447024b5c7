namespace Guardia.Core.Incidents;

/// <summary>What an escalation target names: one user, whoever an on-call schedule has on call, or a team's members.</summary>
public enum EscalationTargetKind
{
    /// <summary>A user id.</summary>
    User = 0,

    /// <summary>An on-call schedule id; resolved to whoever is on call when the level fires.</summary>
    Schedule = 1,

    /// <summary>A team id.</summary>
    Team = 2,
}

/// <summary>Someone to page at an escalation level, by reference; <see cref="IEscalationTargetResolver"/> turns it into user ids.</summary>
public sealed record EscalationTarget(EscalationTargetKind Kind, string Id)
{
    /// <summary>Formats as <c>schedule:platform-weekly</c>.</summary>
    public override string ToString() => Kind.ToString().ToLowerInvariant() + ":" + Id;
}

/// <summary>One level of an escalation policy: who is paged and how long they have to acknowledge.</summary>
public sealed record EscalationLevel(string Name, IReadOnlyList<EscalationTarget> Targets, TimeSpan Timeout);

/// <summary>Ordered escalation levels; after the last level the whole sequence runs <see cref="Repeat"/> more times, then stops.</summary>
public sealed record EscalationPolicy(string Id, IReadOnlyList<EscalationLevel> Levels, int Repeat);

/// <summary>Turns escalation targets into the user ids to page; implemented by the on-call module.</summary>
public interface IEscalationTargetResolver
{
    /// <summary>The users <paramref name="target"/> stands for at <paramref name="at"/> (for a schedule: who is on call then).</summary>
    IReadOnlyList<string> ResolveUsers(EscalationTarget target, DateTimeOffset at);
}
