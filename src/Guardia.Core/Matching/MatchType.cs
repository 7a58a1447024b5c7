namespace Guardia.Core.Matching;

/// <summary>The four ways a matcher compares a label value, in Alertmanager's order.</summary>
public enum MatchType
{
    /// <summary><c>=</c>: the value equals the matcher's value.</summary>
    Equal = 0,

    /// <summary><c>!=</c>: the value differs from the matcher's value.</summary>
    NotEqual = 1,

    /// <summary><c>=~</c>: the value matches the anchored regular expression.</summary>
    Regexp = 2,

    /// <summary><c>!~</c>: the value does not match the anchored regular expression.</summary>
    NotRegexp = 3,
}

/// <summary>Text forms of <see cref="MatchType"/>.</summary>
public static class MatchTypeExtensions
{
    /// <summary>Returns the operator as Alertmanager prints it: <c>=</c>, <c>!=</c>, <c>=~</c> or <c>!~</c>.</summary>
    public static string ToOperator(this MatchType type) => type switch
    {
        MatchType.Equal => "=",
        MatchType.NotEqual => "!=",
        MatchType.Regexp => "=~",
        MatchType.NotRegexp => "!~",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown match type"),
    };
}
