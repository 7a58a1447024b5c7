using Guardia.Core.TimeIntervals;

namespace Guardia.Core.Tests.TimeIntervals;

public sealed class TimeIntervalTests
{
    static readonly TimeZoneInfo Lima = TimeZoneInfo.FindSystemTimeZoneById("America/Lima");
    static readonly TimeZoneInfo Madrid = TimeZoneInfo.FindSystemTimeZoneById("Europe/Madrid");
    static readonly TimeZoneInfo Santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");

    static readonly TimeInterval LimaBusinessHours = new()
    {
        Times = [TimeRange.Parse("09:00", "18:00")],
        Weekdays = [InclusiveRange.ParseWeekdays("monday:friday")],
        Location = Lima,
    };

    static TheoryDataRow<string, bool> Row(string name, string instant, bool expected) => new(instant, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, bool>> LimaCases =>
    [
        Row("monday 09:00 Lima is inside", "2026-11-23T14:00:00Z", true),
        Row("monday 08:59 Lima is outside", "2026-11-23T13:59:00Z", false),
        Row("end time is exclusive", "2026-11-23T23:00:00Z", false),
        Row("friday 17:59 Lima is inside", "2026-11-27T22:59:00Z", true),
        Row("saturday midday is outside", "2026-11-28T17:00:00Z", false),
        Row("monday 02:00 UTC is still sunday in Lima", "2026-11-23T02:00:00Z", false),
        Row("saturday 01:00 UTC is friday 20:00 in Lima, after hours", "2026-11-28T01:00:00Z", false),
    ];

    [Theory]
    [MemberData(nameof(LimaCases))]
    public void ContainsTime_FollowsLimaBusinessHours(string instant, bool expected)
    {
        Assert.Equal(expected, LimaBusinessHours.ContainsTime(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));
    }

    static TheoryDataRow<TimeInterval, string, bool> Case(string name, TimeInterval interval, string instant, bool expected) =>
        new(interval, instant, expected) { TestDisplayName = name };

    static TimeInterval Days(string range, TimeZoneInfo? zone = null) => new() { DaysOfMonth = [InclusiveRange.ParseDaysOfMonth(range)], Location = zone };

    public static IEnumerable<TheoryDataRow<TimeInterval, string, bool>> Cases =>
    [
        Case("madrid: 03:30 local right after the spring-forward gap", new() { Times = [TimeRange.Parse("03:00", "04:00")], Location = Madrid }, "2025-03-30T01:30:00Z", true),
        Case("madrid: 01:59 UTC is 03:59 CEST, not 02:59", new() { Times = [TimeRange.Parse("02:00", "03:00")], Location = Madrid }, "2025-03-30T01:59:00Z", false),
        Case("madrid: the repeated hour on fall-back counts both times", new() { Times = [TimeRange.Parse("02:00", "03:00")], Location = Madrid }, "2025-10-26T01:30:00Z", true),
        Case("madrid: first 02:30 on fall-back", new() { Times = [TimeRange.Parse("02:00", "03:00")], Location = Madrid }, "2025-10-26T00:30:00Z", true),
        // Alertmanager counts March in a spring-forward zone as 30 whole days (743 hours), so -1 is the 30th.
        Case("madrid: -1 in march is the 30th (Alertmanager quirk)", Days("-1", Madrid), "2025-03-30T12:00:00Z", true),
        Case("madrid: -1 in march is not the 31st (Alertmanager quirk)", Days("-1", Madrid), "2025-03-31T12:00:00Z", false),
        Case("madrid: -1 in october is the 31st", Days("-1", Madrid), "2025-10-31T12:00:00Z", true),
        Case("santiago: september counts 29 days (Alertmanager quirk)", Days("-1", Santiago), "2025-09-29T15:00:00Z", true),
        Case("santiago: the 30th of september is not -1", Days("-1", Santiago), "2025-09-30T15:00:00Z", false),
        Case("santiago: april -1 is the 30th", Days("-1", Santiago), "2025-04-30T15:00:00Z", true),
        Case("santiago: after DST ends 23:30 local is still the 5th", new() { DaysOfMonth = [InclusiveRange.ParseDaysOfMonth("5")], Location = Santiago }, "2025-04-06T03:30:00Z", true),
        Case("utc: last day of a 31-day month", Days("-1"), "2026-01-31T10:00:00Z", true),
        Case("utc: last three days", Days("-3:-1"), "2026-04-28T10:00:00Z", true),
        Case("utc: last three days excludes the 27th of april", Days("-3:-1"), "2026-04-27T10:00:00Z", false),
        Case("utc: day 31 skipped in april", Days("31"), "2026-04-30T10:00:00Z", false),
        Case("utc: range clamped to the month's end", Days("25:31"), "2026-04-30T10:00:00Z", true),
        Case("utc: -31 clamps in february", Days("-31:-1"), "2025-02-01T10:00:00Z", true),
        Case("leap day: 29 february 2024", new() { DaysOfMonth = [InclusiveRange.ParseDaysOfMonth("29")], Months = [InclusiveRange.ParseMonths("february")] }, "2024-02-29T00:00:00Z", true),
        Case("leap year: -1 in february 2024 is the 29th", Days("-1"), "2024-02-29T23:59:00Z", true),
        Case("leap year: the 28th is not -1 in 2024", Days("-1"), "2024-02-28T12:00:00Z", false),
        Case("common year: -1 in february 2025 is the 28th", Days("-1"), "2025-02-28T12:00:00Z", true),
        Case("months by number range", new() { Months = [InclusiveRange.ParseMonths("1:3")] }, "2026-03-31T23:59:59Z", true),
        Case("months by name range excludes april", new() { Months = [InclusiveRange.ParseMonths("January:March")] }, "2026-04-01T00:00:00Z", false),
        Case("years range", new() { Years = [InclusiveRange.ParseYears("2024:2026")] }, "2026-12-31T23:59:59Z", true),
        Case("years range excludes 2027", new() { Years = [InclusiveRange.ParseYears("2024:2026")] }, "2027-01-01T00:00:00Z", false),
        Case("24:00 end includes 23:59", new() { Times = [TimeRange.Parse("22:00", "24:00")] }, "2026-05-05T23:59:00Z", true),
        Case("weekend weekdays", new() { Weekdays = [InclusiveRange.ParseWeekdays("saturday"), InclusiveRange.ParseWeekdays("sunday")] }, "2026-11-29T12:00:00Z", true),
        Case("empty interval contains everything", new(), "2026-11-29T12:00:00Z", true),
        Case("no location means UTC", new() { Times = [TimeRange.Parse("00:00", "01:00")] }, "2026-11-23T00:30:00-05:00", false),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ContainsTime_MatchesAlertmanager(TimeInterval interval, string instant, bool expected)
    {
        Assert.Equal(expected, interval.ContainsTime(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));
    }

    static TheoryDataRow<string, string> Bad(string name, string kind, string text, string message) => new(kind + "|" + text, message) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string>> BadRanges =>
    [
        Bad("unknown weekday", "weekdays", "funday", "funday is not a valid weekday"),
        Bad("reversed weekdays", "weekdays", "saturday:sunday", "start day cannot be before end day"),
        Bad("day zero", "days", "0", "0 is not a valid day of the month: out of range"),
        Bad("day 32", "days", "1:32", "32 is not a valid day of the month: out of range"),
        Bad("negative then positive", "days", "-3:5", "end day must be negative if start day is negative"),
        Bad("always empty", "days", "-1:-3", "end day -3 is always before start day -1"),
        Bad("unknown month", "months", "smarch", "smarch is not a valid month"),
        Bad("reversed months", "months", "march:january", "end month january is before start month march"),
        Bad("reversed years", "years", "2026:2024", "end year 2024 is before start year 2026"),
        Bad("three parts", "years", "1:2:3", "couldn't parse range 1:2:3, invalid format"),
    ];

    [Theory]
    [MemberData(nameof(BadRanges))]
    public void Parse_ThrowsAlertmanagerMessage_WhenRangeIsInvalid(string input, string message)
    {
        var parts = input.Split('|');
        Func<string, InclusiveRange> parse = parts[0] switch
        {
            "weekdays" => InclusiveRange.ParseWeekdays,
            "days" => InclusiveRange.ParseDaysOfMonth,
            "months" => InclusiveRange.ParseMonths,
            _ => InclusiveRange.ParseYears,
        };
        var ex = Assert.Throws<FormatException>(() => parse(parts[1]));
        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData("09:00", "09:00", "start time cannot be equal or greater than end time")]
    [InlineData("9:00", "10:00", "couldn't parse timestamp 9:00, invalid format")]
    [InlineData("10:00", "24:01", "couldn't parse timestamp 24:01, invalid format")]
    [InlineData("", "10:00", "both start and end times must be provided")]
    public void TimeRangeParse_Throws_WhenTimesAreInvalid(string start, string end, string message)
    {
        var ex = Assert.Throws<FormatException>(() => TimeRange.Parse(start, end));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void TimeRangeParse_AcceptsMidnightAsEnd()
    {
        Assert.Equal(new TimeRange(0, 1440), TimeRange.Parse("00:00", "24:00"));
    }
}
