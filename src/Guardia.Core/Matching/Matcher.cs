using System.Text;
using System.Text.RegularExpressions;

namespace Guardia.Core.Matching;

/// <summary>One label matcher, such as <c>severity="critical"</c> or <c>env=~"prod|staging"</c>.</summary>
/// <remarks>Regular expressions are anchored as Alertmanager anchors them and run with
/// <see cref="RegexOptions.NonBacktracking"/>, so a hostile pattern cannot make matching super-linear.</remarks>
public sealed class Matcher : IEquatable<Matcher>
{
    readonly Regex? _regex;

    /// <summary>Creates a matcher; a regular expression value is validated and compiled here.</summary>
    /// <exception cref="MatcherException">The value of a regex matcher is not a valid RE2 expression, or uses a construct Guardia cannot run in linear time.</exception>
    public Matcher(MatchType type, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (type is < MatchType.Equal or > MatchType.NotRegexp)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "unknown match type");
        }
        Type = type;
        Name = name;
        Value = value;
        if (type is MatchType.Regexp or MatchType.NotRegexp)
        {
            _regex = Re2Regex.CompileAnchored(value);
        }
    }

    /// <summary>The label name the matcher looks at.</summary>
    public string Name { get; }

    /// <summary>How the value is compared.</summary>
    public MatchType Type { get; }

    /// <summary>The value, or the unanchored regular expression for regex matchers.</summary>
    public string Value { get; }

    /// <summary>True for <see cref="MatchType.Regexp"/> and <see cref="MatchType.NotRegexp"/>.</summary>
    public bool IsRegex => _regex is not null;

    /// <summary>True for <see cref="MatchType.Equal"/> and <see cref="MatchType.Regexp"/>.</summary>
    public bool IsEqual => Type is MatchType.Equal or MatchType.Regexp;

    /// <summary>Returns whether <paramref name="value"/> (the empty string for an absent label) satisfies the matcher.</summary>
    public bool Matches(string value) => Type switch
    {
        MatchType.Equal => string.Equals(value, Value, StringComparison.Ordinal),
        MatchType.NotEqual => !string.Equals(value, Value, StringComparison.Ordinal),
        MatchType.Regexp => _regex!.IsMatch(value),
        _ => !_regex!.IsMatch(value),
    };

    /// <summary>Formats the matcher as Alertmanager prints it: name, operator, then the value in double quotes with OpenMetrics escaping.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Name.Length + Value.Length + 4);
        AppendTo(sb);
        return sb.ToString();
    }

    internal void AppendTo(StringBuilder sb)
    {
        sb.Append(Name).Append(Type.ToOperator()).Append('"');
        foreach (var c in Value)
        {
            switch (c)
            {
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '"':
                    sb.Append("\\\"");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>Orders matchers as Alertmanager sorts them: by name, then value, then type.</summary>
    public static int Compare(Matcher? a, Matcher? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }
        if (a is null)
        {
            return -1;
        }
        if (b is null)
        {
            return 1;
        }
        var c = Alerts.LabelNames.CompareUtf8(a.Name, b.Name);
        if (c != 0)
        {
            return c;
        }
        c = Alerts.LabelNames.CompareUtf8(a.Value, b.Value);
        return c != 0 ? c : a.Type.CompareTo(b.Type);
    }

    /// <inheritdoc/>
    public bool Equals(Matcher? other) =>
        other is not null && other.Type == Type
        && string.Equals(other.Name, Name, StringComparison.Ordinal)
        && string.Equals(other.Value, Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Matcher m && Equals(m);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Type, StringComparer.Ordinal.GetHashCode(Name), StringComparer.Ordinal.GetHashCode(Value));
}
