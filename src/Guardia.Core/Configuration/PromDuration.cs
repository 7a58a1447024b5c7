using System.Globalization;
using System.Text;

namespace Guardia.Core.Configuration;

/// <summary>Prometheus durations such as <c>1h30m</c>, <c>7d</c> or <c>500ms</c>, parsed and printed as Prometheus does.</summary>
public static class PromDuration
{
    static readonly (string Unit, long Ms)[] Units =
    [
        ("y", 365L * 24 * 3600 * 1000), ("w", 7L * 24 * 3600 * 1000), ("d", 24L * 3600 * 1000),
        ("h", 3600L * 1000), ("m", 60L * 1000), ("s", 1000L), ("ms", 1L),
    ];

    /// <summary>Parses a duration; units must appear in descending order, each at most once.</summary>
    /// <exception cref="FormatException">The text is empty or not a Prometheus duration.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "0")
        {
            return TimeSpan.Zero;
        }
        if (text.Length == 0)
        {
            throw new FormatException("empty duration string");
        }
        long total = 0;
        var i = 0;
        var nextUnit = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == start)
            {
                throw Invalid(text);
            }
            var digits = text.AsSpan(start, i - start);
            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }
            var unit = text.AsSpan(unitStart, i - unitStart);
            var found = -1;
            for (var u = nextUnit; u < Units.Length; u++)
            {
                if (unit.SequenceEqual(Units[u].Unit))
                {
                    found = u;
                    break;
                }
            }
            if (found < 0)
            {
                throw Invalid(text);
            }
            nextUnit = found + 1;
            if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                throw new FormatException("duration out of range");
            }
            try
            {
                total = checked(total + checked(n * Units[found].Ms));
            }
            catch (OverflowException)
            {
                throw new FormatException("duration out of range");
            }
        }
        if (total > TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMillisecond)
        {
            throw new FormatException("duration out of range");
        }
        return TimeSpan.FromMilliseconds(total);
    }

    /// <summary>Formats as Prometheus does: <c>0s</c>, <c>5m</c>, <c>1h30m</c>, <c>90d</c> (years and weeks only when exact).</summary>
    public static string Format(TimeSpan duration)
    {
        var ms = (long)duration.TotalMilliseconds;
        if (ms == 0)
        {
            return "0s";
        }
        var sb = new StringBuilder();
        for (var u = 0; u < Units.Length; u++)
        {
            var (unit, mult) = Units[u];
            if (u < 2 && ms % mult != 0)
            {
                continue;
            }
            var v = ms / mult;
            if (v > 0)
            {
                sb.Append(v.ToString(CultureInfo.InvariantCulture)).Append(unit);
                ms -= v * mult;
            }
        }
        return sb.ToString();
    }

    static FormatException Invalid(string text) => new($"not a valid duration string: \"{text}\"");
}
