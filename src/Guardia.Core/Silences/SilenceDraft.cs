using MatchType = Guardia.Core.Matching.MatchType;

namespace Guardia.Core.Silences;

/// <summary>One matcher of a silence as a client wrote it, before validation.</summary>
public sealed record SilenceMatcher(string Name, string Value, MatchType Type);

/// <summary>A silence as a client posts it: a new silence when <see cref="Id"/> is empty, otherwise an update of that silence.</summary>
public sealed record SilenceDraft
{
    /// <summary>The id of the silence to update, or empty to create one.</summary>
    public string Id { get; init; } = "";

    /// <summary>The matchers, in the client's order; all of them must match for an alert to be silenced.</summary>
    public required IReadOnlyList<SilenceMatcher> Matchers { get; init; }

    /// <summary>When the silence starts; a start in the past is moved to now for a new silence.</summary>
    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>When the silence ends.</summary>
    public required DateTimeOffset EndsAt { get; init; }

    /// <summary>Who created the silence.</summary>
    public string CreatedBy { get; init; } = "";

    /// <summary>Why the silence exists.</summary>
    public string Comment { get; init; } = "";
}
