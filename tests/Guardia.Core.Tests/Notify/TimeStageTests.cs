using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Notify;
using Guardia.Core.Routing;

namespace Guardia.Core.Tests.Notify;

public sealed class TimeStageTests
{
    const string Yaml =
        """
        route:
          receiver: r
          routes:
            - matchers: ['kind="muted"']
              mute_time_intervals: [nights, weekends]
            - matchers: ['kind="active"']
              active_time_intervals: [office]
        receivers:
          - name: r
        time_intervals:
          - name: nights
            time_intervals: [{times: [{start_time: '22:00', end_time: '24:00'}]}]
          - name: weekends
            time_intervals: [{weekdays: ['saturday', 'sunday']}]
          - name: office
            time_intervals: [{weekdays: ['monday:friday'], times: [{start_time: '09:00', end_time: '17:00'}], location: 'America/Lima'}]
        """;

    static readonly AlertmanagerConfig Config = AlertmanagerConfigLoader.Load(Yaml, "am.yml");
    static readonly Route Root = Route.Build(Config.Route);

    static TheoryDataRow<string, string, bool> Row(string name, string kind, string now, bool notified) =>
        new(kind, now, notified) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, bool>> Cases =>
    [
        Row("mute: weekday afternoon passes", "muted", "2026-01-05T15:00:00Z", true),
        Row("mute: night is muted", "muted", "2026-01-05T22:30:00Z", false),
        Row("mute: end time is exclusive", "muted", "2026-01-05T21:59:59Z", true),
        Row("mute: saturday is muted", "muted", "2026-01-10T12:00:00Z", false),
        Row("active: office hours in Lima pass", "active", "2026-01-05T15:00:00Z", true),
        Row("active: 9:00 UTC is 4:00 in Lima", "active", "2026-01-05T09:00:00Z", false),
        Row("active: saturday is outside", "active", "2026-01-10T15:00:00Z", false),
        Row("no intervals: always passes", "other", "2026-01-10T23:00:00Z", true),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TimeStages_DropTheFlush_WhenRouteIntervalsSaySo(string kind, string now, bool notified)
    {
        var labels = LabelSet.Of(("kind", kind));
        var route = Root.Match(labels).Single();
        var at = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);
        var flush = new Flush("k", "r", LabelSet.Empty, at, route.Options);
        IReadOnlyList<Alert> alerts = [new Alert { Labels = labels, StartsAt = at }];
        alerts = await new TimeActiveStage(Config.FindTimeInterval).ExecuteAsync(flush, alerts, CancellationToken.None);
        alerts = await new TimeMuteStage(Config.FindTimeInterval).ExecuteAsync(flush, alerts, CancellationToken.None);
        Assert.Equal(notified, alerts.Count == 1);
    }
}
