using Guardia.Core.Templating;

namespace Guardia.Core.Tests.Templating;

public sealed class GoTimeTests
{
    static readonly GoTime Utc = GoTime.From(new DateTimeOffset(2024, 3, 10, 11, 53, 7, 123, TimeSpan.Zero));
    static readonly GoTime Lima = new(new DateTimeOffset(2024, 3, 10, 6, 53, 7, 123, TimeSpan.FromHours(-5)), "-05");

    static TheoryDataRow<string, string> Row(string name, string layout, string expected) => new(layout, expected) { TestDisplayName = name };

    // Layouts are Go's time package constants; expected strings are what time.Time.Format returns.
    public static IEnumerable<TheoryDataRow<string, string>> UtcLayouts =>
    [
        Row("default String layout", GoTime.DefaultLayout, "2024-03-10 11:53:07.123 +0000 UTC"),
        Row("RFC3339", "2006-01-02T15:04:05Z07:00", "2024-03-10T11:53:07Z"),
        Row("RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00", "2024-03-10T11:53:07.123Z"),
        Row("RFC850", "Monday, 02-Jan-06 15:04:05 MST", "Sunday, 10-Mar-24 11:53:07 UTC"),
        Row("RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700", "Sun, 10 Mar 2024 11:53:07 +0000"),
        Row("Kitchen", "3:04PM", "11:53AM"),
        Row("StampMilli", "Jan _2 15:04:05.000", "Mar 10 11:53:07.123"),
        Row("fixed six fraction digits", "05.000000", "07.123000"),
        Row("comma fraction", "15:04:05,000", "11:53:07,123"),
        Row("day of year", "2006-002 __2", "2024-070  70"),
        Row("short forms", "1/2/06 3:4:5 pm", "3/10/24 11:53:7 am"),
        Row("long month", "January 2", "March 10"),
        Row("literal text survives", "at 15h04 on 02.01.", "at 11h53 on 10.03."),
    ];

    [Theory]
    [MemberData(nameof(UtcLayouts))]
    public void Format_MatchesGo_WhenTimeIsUtc(string layout, string expected)
    {
        Assert.Equal(expected, Utc.Format(layout));
    }

    public static IEnumerable<TheoryDataRow<string, string>> OffsetLayouts =>
    [
        Row("RFC3339 with offset", "2006-01-02T15:04:05Z07:00", "2024-03-10T06:53:07-05:00"),
        Row("zone abbreviation", "15:04 MST", "06:53 -05"),
        Row("numeric zones", "-0700 -07:00 -07 Z0700", "-0500 -05:00 -05 -0500"),
        Row("String", GoTime.DefaultLayout, "2024-03-10 06:53:07.123 -0500 -05"),
    ];

    [Theory]
    [MemberData(nameof(OffsetLayouts))]
    public void Format_MatchesGo_WhenTimeHasOffset(string layout, string expected)
    {
        Assert.Equal(expected, Lima.Format(layout));
    }

    [Fact]
    public void ToString_PrintsGoZeroTime_WhenDefault()
    {
        Assert.Equal("0001-01-01 00:00:00 +0000 UTC", GoTime.From(default).ToString());
    }

    public static IEnumerable<TheoryDataRow<long, string>> Durations =>
    [
        new(0, "0s") { TestDisplayName = "zero" },
        new(TimeSpan.FromMinutes(7).Ticks, "7m0s") { TestDisplayName = "minutes" },
        new(TimeSpan.FromMilliseconds(1500).Ticks, "1.5s") { TestDisplayName = "fractional seconds" },
        new(TimeSpan.FromMilliseconds(150).Ticks, "150ms") { TestDisplayName = "milliseconds" },
        new(10, "1µs") { TestDisplayName = "microsecond" },
        new(1, "100ns") { TestDisplayName = "one tick" },
        new(TimeSpan.FromHours(2).Ticks, "2h0m0s") { TestDisplayName = "hours" },
        new(TimeSpan.FromHours(26.5).Ticks, "26h30m0s") { TestDisplayName = "no days unit" },
        new(-TimeSpan.FromSeconds(90).Ticks, "-1m30s") { TestDisplayName = "negative" },
    ];

    [Theory]
    [MemberData(nameof(Durations))]
    public void FormatDuration_MatchesGo_WhenGivenDuration(long ticks, string expected)
    {
        Assert.Equal(expected, GoTime.FormatDuration(TimeSpan.FromTicks(ticks)));
    }
}
