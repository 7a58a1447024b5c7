namespace Guardia.Core.TimeIntervals;

/// <summary>One Alertmanager time interval: every given field must contain the instant; an absent field contains all.</summary>
public sealed record TimeInterval
{
    /// <summary>Minute ranges within the day; null when not given.</summary>
    public IReadOnlyList<TimeRange>? Times { get; init; }

    /// <summary>Weekday ranges (0 = Sunday); null when not given.</summary>
    public IReadOnlyList<InclusiveRange>? Weekdays { get; init; }

    /// <summary>Day-of-month ranges, negative values counting from the month's end; null when not given.</summary>
    public IReadOnlyList<InclusiveRange>? DaysOfMonth { get; init; }

    /// <summary>Month ranges (1 = January); null when not given.</summary>
    public IReadOnlyList<InclusiveRange>? Months { get; init; }

    /// <summary>Year ranges; null when not given.</summary>
    public IReadOnlyList<InclusiveRange>? Years { get; init; }

    /// <summary>The time zone the fields are read in; null means UTC.</summary>
    public TimeZoneInfo? Location { get; init; }

    /// <summary>Returns whether <paramref name="instant"/> lies in the interval, exactly as Alertmanager's <c>ContainsTime</c> decides.</summary>
    public bool ContainsTime(DateTimeOffset instant)
    {
        var local = Location is null ? instant.ToUniversalTime() : TimeZoneInfo.ConvertTime(instant, Location);
        var t = local.DateTime;
        if (Times is not null)
        {
            var minute = (t.Hour * 60) + t.Minute;
            var inTimes = false;
            foreach (var r in Times)
            {
                if (minute >= r.StartMinute && minute < r.EndMinute)
                {
                    inTimes = true;
                    break;
                }
            }
            if (!inTimes)
            {
                return false;
            }
        }
        if (DaysOfMonth is not null)
        {
            var daysInMonth = DaysInMonth(t, Location);
            var inRange = false;
            foreach (var r in DaysOfMonth)
            {
                var begin = r.Begin < 0 ? daysInMonth + r.Begin + 1 : r.Begin;
                var end = r.End < 0 ? daysInMonth + r.End + 1 : r.End;
                if (begin > daysInMonth)
                {
                    continue;
                }
                begin = Clamp(begin, -daysInMonth, daysInMonth);
                end = Clamp(end, -daysInMonth, daysInMonth);
                if (t.Day >= begin && t.Day <= end)
                {
                    inRange = true;
                    break;
                }
            }
            if (!inRange)
            {
                return false;
            }
        }
        return (Months is null || InAny(Months, t.Month))
            && (Weekdays is null || InAny(Weekdays, (int)t.DayOfWeek))
            && (Years is null || InAny(Years, t.Year));
    }

    /// <summary>Returns whether any of <paramref name="intervals"/> contains <paramref name="instant"/>.</summary>
    public static bool AnyContains(IEnumerable<TimeInterval> intervals, DateTimeOffset instant)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        foreach (var i in intervals)
        {
            if (i.ContainsTime(instant))
            {
                return true;
            }
        }
        return false;
    }

    static bool InAny(IReadOnlyList<InclusiveRange> ranges, int value)
    {
        for (var i = 0; i < ranges.Count; i++)
        {
            if (value >= ranges[i].Begin && value <= ranges[i].End)
            {
                return true;
            }
        }
        return false;
    }

    static int Clamp(int n, int min, int max) => n <= min ? min : n >= max ? max : n;

    /// <summary>Alertmanager counts a month's days as whole 24-hour periods between local midnights of the 1st,
    /// so a month with a spring-forward DST change counts one day less (e.g. March in Europe/Madrid has 30).
    /// Reproduced on purpose so that negative days of month select the same days as Alertmanager.</summary>
    static int DaysInMonth(DateTime local, TimeZoneInfo? zone)
    {
        var start = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var end = start.AddMonths(1);
        if (zone is null)
        {
            return (int)(end - start).TotalDays;
        }
        var hours = (ToUtc(end, zone) - ToUtc(start, zone)).TotalHours;
        return (int)(hours / 24);
    }

    static DateTime ToUtc(DateTime local, TimeZoneInfo zone)
    {
        if (zone.IsInvalidTime(local))
        {
            // A skipped local midnight: like Go's time.Date, use the offset in effect before the change.
            var before = zone.GetUtcOffset(local.AddHours(-3));
            return DateTime.SpecifyKind(local - before, DateTimeKind.Utc);
        }
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
