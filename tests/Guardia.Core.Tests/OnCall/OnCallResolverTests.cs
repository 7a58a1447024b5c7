using System.Globalization;
using Guardia.Core.OnCall;
using Microsoft.Extensions.Time.Testing;

namespace Guardia.Core.Tests.OnCall;

public sealed class OnCallResolverTests
{
    static readonly TimeZoneInfo Lima = TimeZoneInfo.FindSystemTimeZoneById("America/Lima");
    static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    static readonly TimeZoneInfo Madrid = TimeZoneInfo.FindSystemTimeZoneById("Europe/Madrid");

    static readonly ScheduleRestriction BusinessHours =
        new([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday], TimeSpan.FromHours(9), TimeSpan.FromHours(18));

    static readonly ScheduleRestriction WeekNights =
        new([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday], TimeSpan.FromHours(18), TimeSpan.FromHours(9));

    static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    static DateTime Local(string text) => DateTime.ParseExact(text, "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    static ScheduleLayer Layer(string name, TimeSpan length, string start, string[] participants, params ScheduleRestriction[] restrictions) =>
        new(name, length, Local(start), participants, restrictions);

    static Schedule Single(TimeZoneInfo zone, ScheduleLayer layer, params ScheduleOverride[] overrides) => new("s", "S", zone, [layer], overrides);

    static readonly string[] Three = ["ana", "luis", "maria"];

    // The seeds' rota: weekly, Monday 09:00 Lima (UTC-5 all year), primary / secondary / business-hours layers.
    static readonly Schedule Platform = new("platform-weekly", "Plataforma semanal", Lima,
    [
        Layer("primary", TimeSpan.FromDays(7), "2026-11-02T09:00", Three),
        Layer("secondary", TimeSpan.FromDays(7), "2026-11-02T09:00", ["luis", "maria", "ana"]),
        Layer("business-hours", TimeSpan.FromDays(1), "2026-11-02T09:00", ["maria"], BusinessHours),
    ],
    [
        new("maria", Utc("2026-11-24T14:00:00Z"), Utc("2026-11-25T14:00:00Z"), "primary"),
        new("maria", Utc("2026-11-29T14:00:00Z"), Utc("2026-12-01T14:00:00Z"), null),
    ]);

    static TheoryDataRow<Schedule, string, string?> Row(string name, Schedule schedule, string at, string? user) => new(schedule, at, user) { TestDisplayName = name };

    static readonly Schedule LimaWeekly = Single(Lima, Layer("primary", TimeSpan.FromDays(7), "2026-11-02T09:00", Three));
    static readonly Schedule LimaDaily = Single(Lima, Layer("primary", TimeSpan.FromDays(1), "2026-11-02T09:00", Three));
    static readonly Schedule LimaTwelveHours = Single(Lima, Layer("primary", TimeSpan.FromHours(12), "2026-11-02T09:00", ["ana", "luis"]));
    static readonly Schedule LimaThreeDays = Single(Lima, Layer("primary", TimeSpan.FromDays(3), "2026-11-02T09:00", Three));
    static readonly Schedule LimaTwoWeeks = Single(Lima, Layer("primary", TimeSpan.FromDays(14), "2026-11-02T09:00", ["ana", "luis"]));
    static readonly Schedule NewYorkWeekly = Single(NewYork, Layer("primary", TimeSpan.FromDays(7), "2026-03-02T09:00", Three));
    static readonly Schedule NewYorkTwelveHours = Single(NewYork, Layer("primary", TimeSpan.FromHours(12), "2026-03-07T09:00", ["ana", "luis"]));
    static readonly Schedule MadridSpringGap = Single(Madrid, Layer("primary", TimeSpan.FromDays(1), "2026-03-27T02:30", ["ana", "luis"]));
    static readonly Schedule MadridAutumnRepeat = Single(Madrid, Layer("primary", TimeSpan.FromDays(1), "2026-10-23T02:30", ["ana", "luis"]));
    static readonly Schedule MadridWeekly = Single(Madrid, Layer("primary", TimeSpan.FromDays(7), "2026-03-23T09:00", Three));
    static readonly Schedule LimaBusinessHours = Single(Lima, Layer("business-hours", TimeSpan.FromDays(1), "2026-11-02T09:00", ["maria"], BusinessHours));
    static readonly Schedule LimaNights = Single(Lima, Layer("nights", TimeSpan.FromDays(7), "2026-11-02T09:00", ["luis"], WeekNights));
    static readonly Schedule LimaRestrictedWeekly = Single(Lima, Layer("primary", TimeSpan.FromDays(7), "2026-11-02T09:00", Three, BusinessHours));

    public static IEnumerable<TheoryDataRow<Schedule, string, string?>> LayerCases =>
    [
        Row("weekly: nobody one millisecond before the first handoff", LimaWeekly, "2026-11-02T13:59:59.999Z", null),
        Row("weekly: first turn starts at Monday 09:00 Lima (14:00 UTC)", LimaWeekly, "2026-11-02T14:00:00Z", "ana"),
        Row("weekly: midweek", LimaWeekly, "2026-11-05T20:00:00Z", "ana"),
        Row("weekly: Sunday night is still the first turn", LimaWeekly, "2026-11-09T04:59:00Z", "ana"),
        Row("weekly: 08:59:59.999 Monday keeps the outgoing user", LimaWeekly, "2026-11-09T13:59:59.999Z", "ana"),
        Row("weekly: 09:00 Monday hands off to the second participant", LimaWeekly, "2026-11-09T14:00:00Z", "luis"),
        Row("weekly: third week", LimaWeekly, "2026-11-16T14:00:00Z", "maria"),
        Row("weekly: fourth week wraps around to the first participant", LimaWeekly, "2026-11-23T14:00:00Z", "ana"),
        Row("weekly: week 52 (52 mod 3 = 1)", LimaWeekly, "2027-11-01T14:00:00Z", "luis"),
        Row("weekly: 08:59 of week 52 is still week 51 (mod 3 = 0)", LimaWeekly, "2027-11-01T13:59:00Z", "ana"),
        Row("daily: second day before 09:00", LimaDaily, "2026-11-04T13:59:59Z", "luis"),
        Row("daily: third day at 09:00", LimaDaily, "2026-11-04T14:00:00Z", "maria"),
        Row("daily: fourth day wraps around", LimaDaily, "2026-11-05T14:00:00Z", "ana"),
        Row("12h: 20:59:59 Lima is the day turn", LimaTwelveHours, "2026-11-03T01:59:59Z", "ana"),
        Row("12h: 21:00 Lima is the night turn", LimaTwelveHours, "2026-11-03T02:00:00Z", "luis"),
        Row("12h: next morning back to the first", LimaTwelveHours, "2026-11-03T14:00:00Z", "ana"),
        Row("3d: second turn starts Thursday 09:00", LimaThreeDays, "2026-11-05T14:00:00Z", "luis"),
        Row("3d: second turn ends Sunday 08:59", LimaThreeDays, "2026-11-08T13:59:00Z", "luis"),
        Row("3d: third turn Sunday 09:00", LimaThreeDays, "2026-11-08T14:00:00Z", "maria"),
        Row("3d: fourth turn wraps around", LimaThreeDays, "2026-11-11T14:00:00Z", "ana"),
        Row("2w: second week still the first participant", LimaTwoWeeks, "2026-11-12T14:00:00Z", "ana"),
        Row("2w: third week hands off", LimaTwoWeeks, "2026-11-16T14:00:00Z", "luis"),
        Row("new york: last Monday on EST at 09:00 is 14:00 UTC", NewYorkWeekly, "2026-03-02T14:00:00Z", "ana"),
        Row("new york: after spring forward 08:59:59 EDT keeps ana", NewYorkWeekly, "2026-03-09T12:59:59Z", "ana"),
        Row("new york: after spring forward 09:00 EDT is 13:00 UTC", NewYorkWeekly, "2026-03-09T13:00:00Z", "luis"),
        Row("new york: 09:00 EDT before the autumn change (turn 34)", NewYorkWeekly, "2026-10-26T13:00:00Z", "luis"),
        Row("new york: after fall back 08:00 EST (13:00 UTC) is not yet the handoff", NewYorkWeekly, "2026-11-02T13:00:00Z", "luis"),
        Row("new york: after fall back 08:59:59 EST keeps luis", NewYorkWeekly, "2026-11-02T13:59:59Z", "luis"),
        Row("new york: after fall back 09:00 EST is 14:00 UTC (turn 35)", NewYorkWeekly, "2026-11-02T14:00:00Z", "maria"),
        Row("new york 12h: the day turn after spring forward starts 09:00 EDT", NewYorkTwelveHours, "2026-03-08T13:00:00Z", "ana"),
        Row("new york 12h: 08:59 EDT is still the night turn", NewYorkTwelveHours, "2026-03-08T12:59:00Z", "luis"),
        Row("madrid: weekly 09:00 CET before spring forward", MadridWeekly, "2026-03-23T08:00:00Z", "ana"),
        Row("madrid: weekly 08:59 CEST keeps ana", MadridWeekly, "2026-03-30T06:59:00Z", "ana"),
        Row("madrid: weekly 09:00 CEST is 07:00 UTC", MadridWeekly, "2026-03-30T07:00:00Z", "luis"),
        Row("madrid: 02:30 on spring forward does not exist, the handoff is at the jump (01:00 UTC)", MadridSpringGap, "2026-03-29T01:00:00Z", "ana"),
        Row("madrid: just before the jump the previous turn holds", MadridSpringGap, "2026-03-29T00:59:59Z", "luis"),
        Row("madrid: the next day 02:30 CEST is 00:30 UTC", MadridSpringGap, "2026-03-30T00:30:00Z", "luis"),
        Row("madrid: repeated 02:30 hands off at its first occurrence (CEST, 00:30 UTC)", MadridAutumnRepeat, "2026-10-25T00:30:00Z", "ana"),
        Row("madrid: just before the first 02:30", MadridAutumnRepeat, "2026-10-25T00:29:59Z", "luis"),
        Row("madrid: the second 02:30 (CET) is no second handoff", MadridAutumnRepeat, "2026-10-25T01:30:00Z", "ana"),
        Row("madrid: the day after, 02:30 CET is 01:30 UTC", MadridAutumnRepeat, "2026-10-26T01:30:00Z", "luis"),
        Row("business hours: Tuesday 10:00", LimaBusinessHours, "2026-11-03T15:00:00Z", "maria"),
        Row("business hours: nobody Tuesday 20:00", LimaBusinessHours, "2026-11-04T01:00:00Z", null),
        Row("business hours: nobody Saturday midday", LimaBusinessHours, "2026-11-07T17:00:00Z", null),
        Row("business hours: Friday 17:59:59.999", LimaBusinessHours, "2026-11-06T22:59:59.999Z", "maria"),
        Row("business hours: Friday 18:00 is outside (end exclusive)", LimaBusinessHours, "2026-11-06T23:00:00Z", null),
        Row("business hours: Monday 08:59 is outside", LimaBusinessHours, "2026-11-09T13:59:00Z", null),
        Row("restricted weekly: second week's user during hours", LimaRestrictedWeekly, "2026-11-10T15:00:00Z", "luis"),
        Row("restricted weekly: nobody Sunday", LimaRestrictedWeekly, "2026-11-15T15:00:00Z", null),
        Row("nights: Tuesday 02:00 is Monday's night window", LimaNights, "2026-11-03T07:00:00Z", "luis"),
        Row("nights: Saturday 02:00 is Friday's night window", LimaNights, "2026-11-07T07:00:00Z", "luis"),
        Row("nights: Saturday 09:00 the window is closed", LimaNights, "2026-11-07T14:00:00Z", null),
        Row("nights: nobody Sunday 02:00 (Saturday opens no window)", LimaNights, "2026-11-08T07:00:00Z", null),
        Row("nights: Wednesday midday is outside", LimaNights, "2026-11-04T17:00:00Z", null),
    ];

    [Theory]
    [MemberData(nameof(LayerCases))]
    public void WhoIsOnCall_FollowsRotation(Schedule schedule, string at, string? user)
    {
        var state = OnCallResolver.WhoIsOnCall(schedule, Utc(at));
        Assert.Equal(user, state.Layers[0].UserId);
        Assert.Equal(user is null ? [] : [user], state.Final);
    }

    static TheoryDataRow<Schedule, string, string?, string?> Shift(string name, Schedule schedule, string at, string? start, string? end) =>
        new(schedule, at, start, end) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<Schedule, string, string?, string?>> ShiftCases =>
    [
        Shift("weekly Lima: a whole week", LimaWeekly, "2026-11-10T00:00:00Z", "2026-11-09T14:00:00Z", "2026-11-16T14:00:00Z"),
        Shift("before the start: no start, ends at the first handoff", LimaWeekly, "2026-10-01T00:00:00Z", null, "2026-11-02T14:00:00Z"),
        Shift("new york: the spring week is 167 hours", NewYorkWeekly, "2026-03-05T00:00:00Z", "2026-03-02T14:00:00Z", "2026-03-09T13:00:00Z"),
        Shift("new york: the autumn week is 169 hours", NewYorkWeekly, "2026-10-30T00:00:00Z", "2026-10-26T13:00:00Z", "2026-11-02T14:00:00Z"),
        Shift("madrid: the turn before the gap is 23.5 hours", MadridSpringGap, "2026-03-28T12:00:00Z", "2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z"),
        Shift("12h: night turn", LimaTwelveHours, "2026-11-03T05:00:00Z", "2026-11-03T02:00:00Z", "2026-11-03T14:00:00Z"),
        Shift("business hours: inside the window", LimaBusinessHours, "2026-11-03T15:00:00Z", "2026-11-03T14:00:00Z", "2026-11-03T23:00:00Z"),
        Shift("business hours: evening gap until the next turn", LimaBusinessHours, "2026-11-04T01:00:00Z", "2026-11-03T23:00:00Z", "2026-11-04T14:00:00Z"),
        Shift("restricted weekly: weekend gap runs Friday 18:00 to Monday 09:00", LimaRestrictedWeekly, "2026-11-14T15:00:00Z", "2026-11-13T23:00:00Z", "2026-11-16T14:00:00Z"),
    ];

    [Theory]
    [MemberData(nameof(ShiftCases))]
    public void WhoIsOnCall_ReportsShiftBounds(Schedule schedule, string at, string? start, string? end)
    {
        var layer = OnCallResolver.WhoIsOnCall(schedule, Utc(at)).Layers[0];
        Assert.Equal(start is null ? null : Utc(start), layer.ShiftStart);
        Assert.Equal(Utc(end!), layer.ShiftEnd);
    }

    static TheoryDataRow<string, string[], string[]> Final(string name, string at, string[] layers, string[] final) =>
        new(at, layers, final) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string[], string[]>> PlatformCases =>
    [
        Final("first week, Monday 10:00: primary, secondary, business hours", "2026-11-02T15:00:00Z", ["ana", "luis", "maria"], ["ana", "luis", "maria"]),
        Final("first week, Saturday: business-hours layer empty", "2026-11-07T15:00:00Z", ["ana", "luis", "-"], ["ana", "luis"]),
        Final("second week, Tuesday 10:00: maria twice is listed once", "2026-11-10T15:00:00Z", ["luis", "maria", "maria"], ["luis", "maria"]),
        Final("override: 08:59:59 before it, the rotation holds", "2026-11-24T13:59:59Z", ["ana", "luis", "-"], ["ana", "luis"]),
        Final("override: at its start maria replaces ana", "2026-11-24T14:00:00Z", ["maria", "luis", "maria"], ["maria", "luis"]),
        Final("override: at night inside it", "2026-11-25T03:00:00Z", ["maria", "luis", "-"], ["maria", "luis"]),
        Final("override: last millisecond inside it", "2026-11-25T13:59:59.999Z", ["maria", "luis", "-"], ["maria", "luis"]),
        Final("override: at its end the rotation returns", "2026-11-25T14:00:00Z", ["ana", "luis", "maria"], ["ana", "luis", "maria"]),
        Final("override without layer replaces the first layer, Sunday", "2026-11-29T20:00:00Z", ["maria", "luis", "-"], ["maria", "luis"]),
        Final("override across the Monday handoff keeps maria", "2026-11-30T14:00:00Z", ["maria", "maria", "maria"], ["maria"]),
        Final("after the override week 5's primary is luis", "2026-12-01T14:00:00Z", ["luis", "maria", "maria"], ["luis", "maria"]),
        Final("before the schedule starts nobody is on call", "2026-11-02T13:59:59Z", ["-", "-", "-"], []),
    ];

    [Theory]
    [MemberData(nameof(PlatformCases))]
    public void WhoIsOnCall_CombinesLayersAndOverrides(string at, string[] layers, string[] final)
    {
        var state = OnCallResolver.WhoIsOnCall(Platform, Utc(at));
        Assert.Equal("platform-weekly", state.ScheduleId);
        Assert.Equal(["primary", "secondary", "business-hours"], state.Layers.Select(l => l.Layer));
        Assert.Equal(layers, state.Layers.Select(l => l.UserId ?? "-"));
        Assert.Equal(final, state.Final);
    }

    [Fact]
    public void WhoIsOnCall_ReportsOverridePeriod_WhenOverridden()
    {
        var primary = OnCallResolver.WhoIsOnCall(Platform, Utc("2026-11-24T20:00:00Z")).Layers[0];
        Assert.True(primary.Overridden);
        Assert.Equal(Utc("2026-11-24T14:00:00Z"), primary.ShiftStart);
        Assert.Equal(Utc("2026-11-25T14:00:00Z"), primary.ShiftEnd);
    }

    [Fact]
    public void WhoIsOnCall_PutsOverrideUserOnCall_BeforeLayerStartAndOutsideRestrictions()
    {
        var schedule = Single(Lima, Layer("business-hours", TimeSpan.FromDays(1), "2026-11-02T09:00", ["maria"], BusinessHours),
            new ScheduleOverride("ana", Utc("2026-10-31T00:00:00Z"), Utc("2026-11-08T00:00:00Z"), null));
        Assert.Equal("ana", OnCallResolver.WhoIsOnCall(schedule, Utc("2026-11-01T00:00:00Z")).Layers[0].UserId);
        Assert.Equal("ana", OnCallResolver.WhoIsOnCall(schedule, Utc("2026-11-07T17:00:00Z")).Layers[0].UserId);
        Assert.Null(OnCallResolver.WhoIsOnCall(schedule, Utc("2026-11-08T17:00:00Z")).Layers[0].UserId);
    }

    [Fact]
    public void WhoIsOnCall_LastWrittenOverrideWins_WhenOverridesOverlap()
    {
        var schedule = Single(Lima, Layer("primary", TimeSpan.FromDays(7), "2026-11-02T09:00", Three),
            new ScheduleOverride("luis", Utc("2026-11-03T00:00:00Z"), Utc("2026-11-06T00:00:00Z"), "primary"),
            new ScheduleOverride("maria", Utc("2026-11-04T00:00:00Z"), Utc("2026-11-05T00:00:00Z"), "primary"));
        Assert.Equal("luis", OnCallResolver.WhoIsOnCall(schedule, Utc("2026-11-03T12:00:00Z")).Layers[0].UserId);
        Assert.Equal("maria", OnCallResolver.WhoIsOnCall(schedule, Utc("2026-11-04T12:00:00Z")).Layers[0].UserId);
        Assert.Equal("luis", OnCallResolver.WhoIsOnCall(schedule, Utc("2026-11-05T12:00:00Z")).Layers[0].UserId);
        Assert.Equal(
            ["2026-11-03T00:00:00Z ana>luis", "2026-11-04T00:00:00Z luis>maria", "2026-11-05T00:00:00Z maria>luis", "2026-11-06T00:00:00Z luis>ana"],
            Describe(OnCallResolver.Handoffs(schedule, Utc("2026-11-02T15:00:00Z"), Utc("2026-11-08T00:00:00Z"))));
    }

    static string[] Describe(IReadOnlyList<Handoff> handoffs) =>
        [.. handoffs.Select(h => h.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + " " + (h.Outgoing ?? "-") + ">" + (h.Incoming ?? "-"))];

    static TheoryDataRow<Schedule, string, string, string[]> Handoffs(string name, Schedule schedule, string from, string to, string[] expected) =>
        new(schedule, from, to, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<Schedule, string, string, string[]>> HandoffCases =>
    [
        Handoffs("lima weekly: first turn and two handoffs", LimaWeekly, "2026-11-01T00:00:00Z", "2026-11-16T14:00:00Z",
            ["2026-11-02T14:00:00Z ->ana", "2026-11-09T14:00:00Z ana>luis", "2026-11-16T14:00:00Z luis>maria"]),
        Handoffs("lima weekly: from is exclusive, to inclusive", LimaWeekly, "2026-11-09T14:00:00Z", "2026-11-23T14:00:00Z",
            ["2026-11-16T14:00:00Z luis>maria", "2026-11-23T14:00:00Z maria>ana"]),
        Handoffs("new york: across spring forward the handoff moves to 13:00 UTC", NewYorkWeekly, "2026-03-03T00:00:00Z", "2026-03-17T00:00:00Z",
            ["2026-03-09T13:00:00Z ana>luis", "2026-03-16T13:00:00Z luis>maria"]),
        Handoffs("new york: across fall back the handoff moves to 14:00 UTC", NewYorkWeekly, "2026-10-20T00:00:00Z", "2026-11-10T00:00:00Z",
            ["2026-10-26T13:00:00Z ana>luis", "2026-11-02T14:00:00Z luis>maria", "2026-11-09T14:00:00Z maria>ana"]),
        Handoffs("new york 12h: 21:00 and 09:00 local on both sides of spring forward", NewYorkTwelveHours, "2026-03-07T15:00:00Z", "2026-03-09T02:00:00Z",
            ["2026-03-08T02:00:00Z ana>luis", "2026-03-08T13:00:00Z luis>ana", "2026-03-09T01:00:00Z ana>luis"]),
        Handoffs("madrid: daily across the spring gap", MadridSpringGap, "2026-03-28T00:00:00Z", "2026-03-31T00:00:00Z",
            ["2026-03-28T01:30:00Z ana>luis", "2026-03-29T01:00:00Z luis>ana", "2026-03-30T00:30:00Z ana>luis"]),
        Handoffs("madrid: daily across the repeated hour, one handoff per day", MadridAutumnRepeat, "2026-10-24T00:00:00Z", "2026-10-27T00:00:00Z",
            ["2026-10-24T00:30:00Z ana>luis", "2026-10-25T00:30:00Z luis>ana", "2026-10-26T01:30:00Z ana>luis"]),
        Handoffs("business hours: windows open and close", LimaBusinessHours, "2026-11-01T00:00:00Z", "2026-11-04T00:00:00Z",
            ["2026-11-02T14:00:00Z ->maria", "2026-11-02T23:00:00Z maria>-", "2026-11-03T14:00:00Z ->maria", "2026-11-03T23:00:00Z maria>-"]),
        Handoffs("business hours: the weekend has none", LimaBusinessHours, "2026-11-07T00:00:00Z", "2026-11-09T00:00:00Z", []),
        Handoffs("single participant: turns change nothing", Single(Lima, Layer("primary", TimeSpan.FromDays(1), "2026-11-02T09:00", ["ana"])),
            "2026-11-03T00:00:00Z", "2026-11-10T00:00:00Z", []),
    ];

    [Theory]
    [MemberData(nameof(HandoffCases))]
    public void Handoffs_ListsChanges(Schedule schedule, string from, string to, string[] expected)
    {
        Assert.Equal(expected, Describe(OnCallResolver.Handoffs(schedule, Utc(from), Utc(to))));
    }

    [Fact]
    public void Handoffs_IncludesOverrideEdgesAndLayers_ForPlatformSchedule()
    {
        var handoffs = OnCallResolver.Handoffs(Platform, Utc("2026-11-28T00:00:00Z"), Utc("2026-12-01T14:00:00Z"));
        Assert.Equal(
        [
            "primary 2026-11-29T14:00:00Z ana>maria",
            "secondary 2026-11-30T14:00:00Z luis>maria",
            "business-hours 2026-11-30T14:00:00Z ->maria",
            "business-hours 2026-11-30T23:00:00Z maria>-",
            "primary 2026-12-01T14:00:00Z maria>luis",
            "business-hours 2026-12-01T14:00:00Z ->maria",
        ], handoffs.Select(h => h.Layer + " " + Describe([h])[0]));
    }

    [Fact]
    public void Handoffs_IsEmpty_WhenRangeIsEmptyOrReversed()
    {
        Assert.Empty(OnCallResolver.Handoffs(LimaWeekly, Utc("2026-11-09T14:00:00Z"), Utc("2026-11-09T14:00:00Z")));
        Assert.Empty(OnCallResolver.Handoffs(LimaWeekly, Utc("2026-11-20T00:00:00Z"), Utc("2026-11-01T00:00:00Z")));
    }

    static TheoryDataRow<Schedule, string, string?> Next(string name, Schedule schedule, string after, string? expected) =>
        new(schedule, after, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<Schedule, string, string?>> NextCases =>
    [
        Next("before the start: the first turn", LimaWeekly, "2026-10-01T00:00:00Z", "2026-11-02T14:00:00Z"),
        Next("midweek: next Monday 09:00", LimaWeekly, "2026-11-05T00:00:00Z", "2026-11-09T14:00:00Z"),
        Next("exactly at a handoff: the one after", LimaWeekly, "2026-11-09T14:00:00Z", "2026-11-16T14:00:00Z"),
        Next("new york: the first handoff after spring forward", NewYorkWeekly, "2026-03-05T00:00:00Z", "2026-03-09T13:00:00Z"),
        Next("business hours: Friday evening waits for Monday", LimaBusinessHours, "2026-11-06T23:00:00Z", "2026-11-09T14:00:00Z"),
        Next("platform: the override start beats Monday's rotation", Platform, "2026-11-24T00:00:00Z", "2026-11-24T14:00:00Z"),
        Next("single participant after its start: never", Single(Lima, Layer("primary", TimeSpan.FromDays(7), "2026-11-02T09:00", ["ana"])), "2026-11-03T00:00:00Z", null),
        Next("single participant: a far override is still found",
            Single(Lima, Layer("primary", TimeSpan.FromDays(7), "2026-11-02T09:00", ["ana"]), new ScheduleOverride("luis", Utc("2031-01-01T00:00:00Z"), Utc("2031-01-02T00:00:00Z"), null)),
            "2026-11-03T00:00:00Z", "2031-01-01T00:00:00Z"),
    ];

    [Theory]
    [MemberData(nameof(NextCases))]
    public void NextHandoff_FindsFirstChange(Schedule schedule, string after, string? expected)
    {
        Assert.Equal(expected is null ? null : Utc(expected), OnCallResolver.NextHandoff(schedule, Utc(after)));
    }

    [Fact]
    public void NextHandoff_DrivesAHandoffLoop_WithFakeClock()
    {
        // What a hosted service does: sleep until the next handoff, then report the handoffs since the last wake-up.
        var time = new FakeTimeProvider(Utc("2026-03-01T00:00:00Z"));
        var reported = new List<string>();
        var last = time.GetUtcNow();
        while (OnCallResolver.NextHandoff(NewYorkWeekly, last) is { } next && next < Utc("2026-03-20T00:00:00Z"))
        {
            time.Advance(next - time.GetUtcNow());
            var now = time.GetUtcNow();
            reported.AddRange(Describe(OnCallResolver.Handoffs(NewYorkWeekly, last, now)));
            last = now;
        }
        Assert.Equal(["2026-03-02T14:00:00Z ->ana", "2026-03-09T13:00:00Z ana>luis", "2026-03-16T13:00:00Z luis>maria"], reported);
    }

    static TheoryDataRow<TimeZoneInfo, string, string> Wall(string name, TimeZoneInfo zone, string local, string utc) =>
        new(zone, local, utc) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<TimeZoneInfo, string, string>> WallClockCases =>
    [
        Wall("lima has no DST", Lima, "2026-07-06T09:00", "2026-07-06T14:00:00Z"),
        Wall("new york skipped 02:30 is the jump at 07:00 UTC", NewYork, "2026-03-08T02:30", "2026-03-08T07:00:00Z"),
        Wall("new york 03:00 after the jump", NewYork, "2026-03-08T03:00", "2026-03-08T07:00:00Z"),
        Wall("new york 01:59 before the jump", NewYork, "2026-03-08T01:59", "2026-03-08T06:59:00Z"),
        Wall("new york repeated 01:30 is its first (EDT) occurrence", NewYork, "2026-11-01T01:30", "2026-11-01T05:30:00Z"),
        Wall("new york 02:00 after the repeat is EST", NewYork, "2026-11-01T02:00", "2026-11-01T07:00:00Z"),
        Wall("madrid skipped 02:00 is the jump", Madrid, "2026-03-29T02:00", "2026-03-29T01:00:00Z"),
        Wall("madrid repeated 02:59 is CEST", Madrid, "2026-10-25T02:59", "2026-10-25T00:59:00Z"),
        Wall("utc is itself", TimeZoneInfo.Utc, "2026-03-29T02:00", "2026-03-29T02:00:00Z"),
    ];

    [Theory]
    [MemberData(nameof(WallClockCases))]
    public void WallClock_ToInstant_IsFirstInstantReadingThatTime(TimeZoneInfo zone, string local, string utc)
    {
        Assert.Equal(Utc(utc), WallClock.ToInstant(Local(local), zone));
    }

    [Fact]
    public void WallClock_ToInstant_NeverGoesBackwards_AcrossDstChanges()
    {
        foreach (var (zone, day) in new[] { (NewYork, "2026-03-08T00:00"), (NewYork, "2026-11-01T00:00"), (Madrid, "2026-03-29T00:00"), (Madrid, "2026-10-25T00:00") })
        {
            var previous = DateTimeOffset.MinValue;
            for (var t = Local(day); t < Local(day).AddHours(6); t = t.AddMinutes(1))
            {
                var instant = WallClock.ToInstant(t, zone);
                Assert.True(instant >= previous, $"{zone.Id} {t:s} went backwards");
                previous = instant;
            }
        }
    }

    [Fact]
    public void WhoIsOnCall_StaysConsistentWithHandoffs_OverAYearInNewYork()
    {
        // Every hour of a year with both DST changes: the user only changes at listed handoffs.
        var from = Utc("2026-01-01T00:00:00Z");
        var handoffs = OnCallResolver.Handoffs(NewYorkWeekly, from, Utc("2027-01-01T00:00:00Z")).Select(h => h.At).ToHashSet();
        var previous = OnCallResolver.WhoIsOnCall(NewYorkWeekly, from).Layers[0].UserId;
        for (var t = from.AddHours(1); t < Utc("2027-01-01T00:00:00Z"); t = t.AddHours(1))
        {
            var user = OnCallResolver.WhoIsOnCall(NewYorkWeekly, t).Layers[0].UserId;
            if (user != previous)
            {
                Assert.Contains(t, handoffs);
                Assert.Equal(9, WallClock.ToLocal(t, NewYork).Hour);
                Assert.Equal(DayOfWeek.Monday, WallClock.ToLocal(t, NewYork).DayOfWeek);
            }
            previous = user;
        }
        Assert.Equal(44, handoffs.Count);
    }

    public static IEnumerable<TheoryDataRow<string, bool>> CalendarEndCases =>
    [
        new("America/Lima", false) { TestDisplayName = "lima, no restrictions" },
        new("America/Lima", true) { TestDisplayName = "lima, business hours" },
        new("Pacific/Kiritimati", true) { TestDisplayName = "UTC+14, business hours" },
        new("Europe/Madrid", true) { TestDisplayName = "madrid, business hours" },
    ];

    [Theory]
    [MemberData(nameof(CalendarEndCases))]
    public void Resolver_Terminates_AtTheEndsOfTheCalendar(string zoneId, bool restricted)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var schedule = Single(zone, restricted ? Layer("p", TimeSpan.FromDays(7), "2026-11-02T09:00", ["ana", "luis"], BusinessHours) : Layer("p", TimeSpan.FromDays(7), "2026-11-02T09:00", ["ana", "luis"]));
        var start = WallClock.ToInstant(Local("2026-11-02T09:00"), zone);

        Assert.Null(OnCallResolver.WhoIsOnCall(schedule, DateTimeOffset.MinValue).Layers[0].UserId);
        Assert.Equal(start, OnCallResolver.NextHandoff(schedule, DateTimeOffset.MinValue));
        Assert.Equal(start, Assert.Single(OnCallResolver.Handoffs(schedule, DateTimeOffset.MinValue, start)).At);

        var nearEnd = DateTimeOffset.MaxValue.AddDays(-3);
        _ = OnCallResolver.WhoIsOnCall(schedule, DateTimeOffset.MaxValue);
        _ = OnCallResolver.WhoIsOnCall(schedule, nearEnd);
        Assert.Null(OnCallResolver.NextHandoff(schedule, DateTimeOffset.MaxValue));
        Assert.All(OnCallResolver.Handoffs(schedule, nearEnd.AddDays(-30), DateTimeOffset.MaxValue), h => Assert.True(h.At > nearEnd.AddDays(-30)));
    }

    [Fact]
    public void Resolver_HandlesTurnsLongerThanTheCalendar()
    {
        var schedule = Single(Lima, Layer("p", TimeSpan.FromDays(365 * 9000), "2026-11-02T09:00", ["ana", "luis"]));
        var state = OnCallResolver.WhoIsOnCall(schedule, DateTimeOffset.MaxValue);
        Assert.Equal("ana", state.Layers[0].UserId);
        Assert.Equal(DateTimeOffset.MaxValue, state.Layers[0].ShiftEnd);
        Assert.Null(OnCallResolver.NextHandoff(schedule, Utc("2030-01-01T00:00:00Z")));
    }
}
