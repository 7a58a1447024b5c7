using System.Globalization;
using System.Text.RegularExpressions;
using Guardia.Core.Configuration;

namespace Guardia.Integrations.RunbookActions;

/// <summary>How a series must move across the windows of a <see cref="PromQlCondition"/>.</summary>
public enum PromQlTrend
{
    /// <summary>No trend is asked for.</summary>
    None,

    /// <summary>Every point is strictly lower than the one before it.</summary>
    Decreasing,

    /// <summary>Every point is strictly higher than the one before it.</summary>
    Increasing,

    /// <summary>All points lie within 1% of the largest absolute value among them (all zero counts as stable).</summary>
    Stable,
}

/// <summary>A promql step's condition: <c>&lt; 5000</c>, <c>&gt; 0.99</c>, <c>== 0</c>, optionally
/// <c>and decreasing over 3 windows of 5m</c> (or <c>increasing</c>, <c>stable</c>), or a trend alone. Every series the
/// query returns must meet it; a query that returns no series does not.</summary>
/// <param name="Operator">One of &lt;, &lt;=, &gt;, &gt;=, ==, !=, or null for a trend alone.</param>
/// <param name="Threshold">The number compared against.</param>
/// <param name="Trend">The movement asked for over the windows.</param>
/// <param name="Windows">How many windows (the range query returns Windows + 1 points, one per window edge).</param>
/// <param name="Window">The length of one window, which is also the range query's step.</param>
public sealed partial record PromQlCondition(string? Operator, double Threshold, PromQlTrend Trend, int Windows, TimeSpan Window)
{
    /// <summary>Parses a condition.</summary>
    /// <exception cref="FormatException">The text does not follow the grammar; the message shows it.</exception>
    public static PromQlCondition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var m = Syntax().Match(text.Trim());
        if (!m.Success || (!m.Groups["op"].Success && !m.Groups["trend"].Success))
        {
            throw new FormatException($"condition \"{text}\" is not understood; write e.g. \"< 5000\", \"> 0.99\", \"== 0\" or \"< 5000 and decreasing over 3 windows of 5m\"");
        }
        string? op = null;
        double threshold = 0;
        if (m.Groups["op"].Success)
        {
            op = m.Groups["op"].Value;
            if (!double.TryParse(m.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out threshold))
            {
                throw new FormatException($"\"{m.Groups["number"].Value}\" is not a number");
            }
        }
        if (!m.Groups["trend"].Success)
        {
            return new PromQlCondition(op, threshold, PromQlTrend.None, 0, TimeSpan.Zero);
        }
        var windows = int.Parse(m.Groups["windows"].Value, CultureInfo.InvariantCulture);
        if (windows is < 1 or > 1000)
        {
            throw new FormatException("the number of windows must be between 1 and 1000");
        }
        TimeSpan window;
        try
        {
            window = PromDuration.Parse(m.Groups["window"].Value);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"window \"{m.Groups["window"].Value}\": {ex.Message}", ex);
        }
        if (window < TimeSpan.FromSeconds(1))
        {
            throw new FormatException("a window must be at least 1s");
        }
        var trend = m.Groups["trend"].Value switch
        {
            "decreasing" => PromQlTrend.Decreasing,
            "increasing" => PromQlTrend.Increasing,
            _ => PromQlTrend.Stable,
        };
        return new PromQlCondition(op, threshold, trend, windows, window);
    }

    /// <summary>True when <paramref name="value"/> meets the comparison (always true without one).</summary>
    public bool Compare(double value) => Operator switch
    {
        null => true,
        "<" => value < Threshold,
        "<=" => value <= Threshold,
        ">" => value > Threshold,
        ">=" => value >= Threshold,
        "==" => value == Threshold,
        _ => value != Threshold,
    };

    /// <summary>Null when the points (oldest first) follow the trend, otherwise why not.</summary>
    public string? CheckTrend(IReadOnlyList<double> points)
    {
        if (Trend == PromQlTrend.None)
        {
            return null;
        }
        if (points.Count < Windows + 1)
        {
            return $"only {points.Count} of the {Windows + 1} points needed for {Windows} windows of {PromDuration.Format(Window)}";
        }
        var tail = points.Skip(points.Count - (Windows + 1)).ToArray();
        for (var i = 1; i < tail.Length; i++)
        {
            if (Trend == PromQlTrend.Decreasing && !(tail[i] < tail[i - 1]))
            {
                return $"not decreasing: {Format(tail[i - 1])} then {Format(tail[i])}";
            }
            if (Trend == PromQlTrend.Increasing && !(tail[i] > tail[i - 1]))
            {
                return $"not increasing: {Format(tail[i - 1])} then {Format(tail[i])}";
            }
        }
        if (Trend == PromQlTrend.Stable)
        {
            var max = tail.Max();
            var min = tail.Min();
            var scale = Math.Max(Math.Abs(max), Math.Abs(min));
            if (max - min > scale * 0.01)
            {
                return $"not stable: between {Format(min)} and {Format(max)}";
            }
        }
        return null;
    }

    /// <summary>The condition as written canonically.</summary>
    public override string ToString()
    {
        var cmp = Operator is null ? string.Empty : $"{Operator} {Format(Threshold)}";
        if (Trend == PromQlTrend.None)
        {
            return cmp;
        }
        var trend = $"{Trend.ToString().ToLowerInvariant()} over {Windows} windows of {PromDuration.Format(Window)}";
        return cmp.Length == 0 ? trend : cmp + " and " + trend;
    }

    internal static string Format(double v) => v.ToString("G", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?:(?<op><=|>=|==|!=|<|>)\s*(?<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))?\s*(?:(?:(?<=\d)\s+and\s+|^)(?<trend>decreasing|increasing|stable)\s+over\s+(?<windows>\d+)\s+windows?\s+of\s+(?<window>[0-9a-z]+))?$")]
    private static partial Regex Syntax();
}
