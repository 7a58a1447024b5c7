using System.Globalization;

namespace Guardia.Core.TimeIntervals;

/// <summary>A range of minutes within a day, start inclusive and end exclusive (0..1440).</summary>
public readonly record struct TimeRange(int StartMinute, int EndMinute)
{
    /// <summary>Parses Alertmanager's <c>start_time</c>/<c>end_time</c> pair ("HH:MM", 24:00 allowed as an end).</summary>
    /// <exception cref="FormatException">A time is missing or malformed, or start is not before end.</exception>
    public static TimeRange Parse(string? startTime, string? endTime)
    {
        if (string.IsNullOrEmpty(startTime) || string.IsNullOrEmpty(endTime))
        {
            throw new FormatException("both start and end times must be provided");
        }
        var start = ParseMinute(startTime);
        var end = ParseMinute(endTime);
        if (start >= end)
        {
            throw new FormatException("start time cannot be equal or greater than end time");
        }
        return new TimeRange(start, end);
    }

    /// <summary>Parses "HH:MM" (00:00 to 23:59, or 24:00) into minutes since midnight.</summary>
    public static int ParseMinute(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "24:00")
        {
            return 1440;
        }
        var ok = text.Length == 5 && text[2] == ':'
            && text[0] is >= '0' and <= '2' && char.IsAsciiDigit(text[1])
            && text[3] is >= '0' and <= '5' && char.IsAsciiDigit(text[4])
            && !(text[0] == '2' && text[1] > '3');
        if (!ok)
        {
            throw new FormatException($"couldn't parse timestamp {text}, invalid format");
        }
        return (((text[0] - '0') * 10) + (text[1] - '0')) * 60 + ((text[3] - '0') * 10) + (text[4] - '0');
    }

    /// <summary>Formats as Alertmanager marshals it: <c>HH:MM</c>.</summary>
    public static string FormatMinute(int minute) => string.Create(CultureInfo.InvariantCulture, $"{minute / 60:00}:{minute % 60:00}");
}
