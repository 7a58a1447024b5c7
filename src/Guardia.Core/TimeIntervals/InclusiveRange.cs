using System.Globalization;

namespace Guardia.Core.TimeIntervals;

/// <summary>An inclusive range of integers: weekdays (0 = Sunday), days of month (negative counts from the end), months (1 = January) or years.</summary>
public readonly record struct InclusiveRange(int Begin, int End)
{
    static readonly string[] WeekdayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
    static readonly string[] MonthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    /// <summary>Parses a weekday or weekday range such as <c>monday:friday</c>, as Alertmanager validates it.</summary>
    /// <exception cref="FormatException">The text is not a valid weekday range.</exception>
    public static InclusiveRange ParseWeekdays(string text)
    {
        var r = Parse(text, static s =>
        {
            var i = Array.IndexOf(WeekdayNames, s);
            return i >= 0 ? i : throw new FormatException($"{s} is not a valid weekday");
        });
        if (r.Begin > r.End)
        {
            throw new FormatException("start day cannot be before end day");
        }
        return r;
    }

    /// <summary>Parses a day-of-month range such as <c>1:10</c> or <c>-3:-1</c>, as Alertmanager validates it.</summary>
    /// <exception cref="FormatException">The text is not a valid day-of-month range.</exception>
    public static InclusiveRange ParseDaysOfMonth(string text)
    {
        var r = Parse(text, ParseInt);
        if (r.Begin == 0 || r.Begin < -31 || r.Begin > 31)
        {
            throw new FormatException($"{r.Begin} is not a valid day of the month: out of range");
        }
        if (r.End == 0 || r.End < -31 || r.End > 31)
        {
            throw new FormatException($"{r.End} is not a valid day of the month: out of range");
        }
        if (r.Begin < 0 && r.End > 0)
        {
            throw new FormatException("end day must be negative if start day is negative");
        }
        // Alertmanager checks begin <= end against the shortest month (28 days) for negative indices.
        var checkBegin = r.Begin < 0 ? 28 + r.Begin : r.Begin;
        var checkEnd = r.End < 0 ? 28 + r.End : r.End;
        if (checkBegin > checkEnd)
        {
            throw new FormatException($"end day {r.End} is always before start day {r.Begin}");
        }
        return r;
    }

    /// <summary>Parses a month or month range by name or number, such as <c>january:march</c> or <c>6</c>.</summary>
    /// <exception cref="FormatException">The text is not a valid month range.</exception>
    public static InclusiveRange ParseMonths(string text)
    {
        var r = Parse(text, static s =>
        {
            var i = Array.IndexOf(MonthNames, s);
            if (i >= 0)
            {
                return i + 1;
            }
            return int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"{s} is not a valid month");
        });
        if (r.Begin > r.End)
        {
            throw new FormatException($"end month {MonthName(r.End)} is before start month {MonthName(r.Begin)}");
        }
        return r;
    }

    /// <summary>Parses a year or year range such as <c>2024:2026</c>.</summary>
    /// <exception cref="FormatException">The text is not a valid year range.</exception>
    public static InclusiveRange ParseYears(string text)
    {
        var r = Parse(text, ParseInt);
        if (r.Begin > r.End)
        {
            throw new FormatException($"end year {r.End} is before start year {r.Begin}");
        }
        return r;
    }

    /// <summary>Formats a weekday range as Alertmanager marshals it (<c>monday:friday</c> or <c>saturday</c>).</summary>
    public string ToWeekdayString() => Begin == End ? WeekdayNames[Begin] : $"{WeekdayNames[Begin]}:{WeekdayNames[End]}";

    /// <summary>Formats as <c>begin:end</c>, or a single number when both ends are equal.</summary>
    public override string ToString() => Begin == End
        ? Begin.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Begin}:{End}");

    static string MonthName(int m) => m is >= 1 and <= 12 ? MonthNames[m - 1] : string.Empty;

    static int ParseInt(string s) => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
        ? n
        : throw new FormatException($"strconv.Atoi: parsing \"{s}\": invalid syntax");

    static InclusiveRange Parse(string text, Func<string, int> member)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.ToLowerInvariant();
        var colon = s.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            var v = member(s);
            return new InclusiveRange(v, v);
        }
        if (s.IndexOf(':', colon + 1) >= 0)
        {
            throw new FormatException($"couldn't parse range {text}, invalid format");
        }
        return new InclusiveRange(member(s[..colon]), member(s[(colon + 1)..]));
    }
}
