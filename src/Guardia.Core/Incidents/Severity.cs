namespace Guardia.Core.Incidents;

/// <summary>How bad an incident is, from P1 (critical, everyone up) to P4 (low, next working day).</summary>
public enum Severity
{
    /// <summary>Critical: service down or data at risk.</summary>
    P1 = 1,

    /// <summary>High: major degradation.</summary>
    P2 = 2,

    /// <summary>Medium: partial degradation with a workaround.</summary>
    P3 = 3,

    /// <summary>Low: cosmetic or no user impact.</summary>
    P4 = 4,
}

/// <summary>Parses and formats severities as written in configuration and the API (<c>P1</c>..<c>P4</c>).</summary>
public static class Severities
{
    /// <summary>Every severity, most severe first.</summary>
    public static IReadOnlyList<Severity> All { get; } = [Severity.P1, Severity.P2, Severity.P3, Severity.P4];

    /// <summary>Parses <c>P1</c>..<c>P4</c> (case-insensitive); returns false for anything else.</summary>
    public static bool TryParse(string? text, out Severity severity)
    {
        severity = default;
        if (text is not { Length: 2 } || (text[0] != 'P' && text[0] != 'p') || text[1] < '1' || text[1] > '4')
        {
            return false;
        }
        severity = (Severity)(text[1] - '0');
        return true;
    }
}
