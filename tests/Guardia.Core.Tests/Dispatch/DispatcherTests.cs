using Guardia.Core.Alerts;
using Guardia.Core.Notify;

namespace Guardia.Core.Tests.Dispatch;

public sealed class DispatcherTests
{
    static string Config(bool sendResolved = true) =>
        $$"""
        route:
          receiver: hook
          group_by: [g]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 4h
        receivers:
          - name: hook
            webhook_configs: [{url: 'http://127.0.0.1/', send_resolved: {{(sendResolved ? "true" : "false")}}}]
        """;

    static TheoryDataRow<bool, string, string> Row(string name, bool sendResolved, string events, string expected) =>
        new(sendResolved, events, expected) { TestDisplayName = name };

    /// <summary>Events: <c>offset +a</c> fires alert a (group g=1), <c>offset -a</c> resolves it, <c>offset +a@-1h</c> fires one that started an hour earlier; the last event is the end of the run.</summary>
    public static IEnumerable<TheoryDataRow<bool, string, string>> Timelines =>
    [
        Row("first flush after group_wait", true, "0s +a; 10m", "30s [a]"),
        Row("added alert waits for group_interval", true, "0s +a; 60s +b; 10m", "30s [a] | 5m30s [a,b]"),
        Row("alert added before group_wait joins the first flush", true, "0s +a; 29s +b; 10m", "30s [a,b]"),
        Row("repeat after repeat_interval, at the next group_interval tick", true, "0s +a; 4h10m", "30s [a] | 4h5m30s [a]"),
        Row("resolved is notified", true, "0s +a; 60s -a; 20m", "30s [a] | 5m30s [a:resolved]"),
        Row("partial resolve notified with send_resolved", true, "0s +a; 0s +b; 60s -a; 20m", "30s [a,b] | 5m30s [a:resolved,b]"),
        Row("partial resolve not notified without send_resolved", false, "0s +a; 0s +b; 60s -a; 20m", "30s [a,b]"),
        Row("all resolved not sent without send_resolved", false, "0s +a; 60s -a; 20m", "30s [a]"),
        Row("resolved before the first flush notifies nothing", true, "0s +a; 10s -a; 20m", ""),
        Row("alert older than group_wait flushes at once", true, "0s +a@-1h; 10m", "0s [a]"),
        Row("old alert joining a flushed group waits", true, "0s +a; 40s +b@-1h; 10m", "30s [a] | 5m30s [a,b]"),
        Row("re-fire after the group was removed waits group_wait again", true, "0s +a; 60s -a; 6m10s +a; 20m", "30s [a] | 5m30s [a:resolved] | 6m40s [a]"),
        Row("re-fire before the group was removed waits group_interval", true, "10s +a; 70s -a; 5m50s +a; 20m", "40s [a] | 5m40s [a:resolved] | 10m40s [a]"),
    ];

    [Theory]
    [MemberData(nameof(Timelines))]
    public void Dispatch_NotifiesAsAlertmanager_WhenTimelineRuns(bool sendResolved, string events, string expected)
    {
        using var h = new DispatchHarness(Config(sendResolved));
        var steps = events.Split("; ");
        foreach (var step in steps)
        {
            var parts = step.Split(' ');
            h.AdvanceTo(ParseOffset(parts[0]));
            if (parts.Length == 1)
            {
                continue;
            }
            var spec = parts[1];
            var name = spec[1..].Split('@')[0];
            var now = h.Time.GetUtcNow();
            var alert = spec[0] == '+'
                ? h.Alert($"g=1,a={name}", startsAt: spec.Contains("@-1h", StringComparison.Ordinal) ? now.AddHours(-1) : now)
                : h.Alert($"g=1,a={name}", startsAt: now.AddMinutes(-1), endsAt: now);
            h.Put(alert);
        }
        var sent = h.Sent.Select(s => s.Split(' ')[0] + " " + s.Split(' ')[^1]);
        Assert.Equal(expected, string.Join(" | ", sent));
    }

    static TimeSpan ParseOffset(string s)
    {
        var t = TimeSpan.Zero;
        var num = 0;
        foreach (var c in s)
        {
            if (char.IsDigit(c))
            {
                num = (num * 10) + (c - '0');
                continue;
            }
            t += c switch { 'h' => TimeSpan.FromHours(num), 'm' => TimeSpan.FromMinutes(num), _ => TimeSpan.FromSeconds(num) };
            num = 0;
        }
        return t;
    }

    [Fact]
    public void Put_NotifiesEveryMatchingRoute_WhenContinueIsSet()
    {
        using var h = new DispatchHarness(
            """
            route:
              receiver: default
              group_by: [g]
              group_wait: 1s
              routes:
                - matchers: ['team="db"']
                  receiver: db
                  continue: true
                - matchers: ['sev="page"']
                  receiver: pager
                  group_by: ['...']
            receivers:
              - name: default
                webhook_configs: [{url: 'http://127.0.0.1/'}]
              - name: db
                webhook_configs: [{url: 'http://127.0.0.1/'}]
              - name: pager
                webhook_configs: [{url: 'http://127.0.0.1/'}]
            """);
        h.Put(h.Alert("g=1,a=x,team=db,sev=page"), h.Alert("g=1,a=y,team=db,sev=page"), h.Alert("g=2,a=z"));
        h.AdvanceTo(TimeSpan.FromSeconds(1));
        Assert.Equal(
            [
                "1s db {}/{team=\"db\"}:{g=\"1\"} [x,y]",
                "1s default {}:{g=\"2\"} [z]",
                "1s pager {}/{sev=\"page\"}:{a=\"x\", g=\"1\", sev=\"page\", team=\"db\"} [x]",
                "1s pager {}/{sev=\"page\"}:{a=\"y\", g=\"1\", sev=\"page\", team=\"db\"} [y]",
            ],
            h.Sent.Order(StringComparer.Ordinal));
        Assert.Equal(4, h.Dispatcher.GroupCount);
    }

    [Fact]
    public void Flush_KeepsResolvedAlert_WhenNotifyFailed()
    {
        using var h = new DispatchHarness(Config());
        h.Put(h.Alert("g=1,a=a"));
        h.AdvanceTo(TimeSpan.FromSeconds(30));
        var now = h.Time.GetUtcNow();
        h.Put(h.Alert("g=1,a=a", startsAt: now.AddMinutes(-1), endsAt: now));
        h.Result = () => NotifyResult.Permanent("410 gone");
        h.AdvanceTo(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30));
        Assert.Single(h.Dispatcher.Groups()[0].Alerts());
        h.Result = () => NotifyResult.Delivered();
        h.AdvanceTo(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(30));
        Assert.Equal(["30s [a]", "10m30s [a:resolved]"], h.Sent.Select(s => s.Split(' ')[0] + " " + s.Split(' ')[^1]));
        h.AdvanceTo(TimeSpan.FromMinutes(11));
        Assert.Equal(0, h.Dispatcher.GroupCount);
    }

    [Fact]
    public void FirstFlush_HappensAtGroupWait_ToTheMillisecond()
    {
        using var h = new DispatchHarness(Config());
        h.Put(h.Alert("g=1,a=a"));
        h.AdvanceTo(TimeSpan.FromMilliseconds(29_999), TimeSpan.FromMilliseconds(1));
        Assert.Empty(h.Sent);
        h.AdvanceTo(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(1));
        Assert.Single(h.Sent);
    }

    [Fact]
    public void FirstFlush_CarriesTheFirstBatch_WhenGroupWaitIsZero()
    {
        using var h = new DispatchHarness(Config().Replace("group_wait: 30s", "group_wait: 0s", StringComparison.Ordinal));
        h.Put(h.Alert("g=1,a=a"), h.Alert("g=1,a=b"));
        h.AdvanceTo(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1));
        Assert.Equal(["0s [a,b]"], h.Sent.Select(s => s.Split(' ')[0] + " " + s.Split(' ')[^1]));
    }

    [Fact]
    public void Flush_SendsNothing_WhenEveryAlertIsSilenced()
    {
        using var h = new DispatchHarness(Config(), new MuteAll());
        h.Put(h.Alert("g=1,a=a"));
        h.AdvanceTo(TimeSpan.FromMinutes(10));
        Assert.Empty(h.Sent);
    }

    sealed class MuteAll : IMuter
    {
        public bool Mutes(LabelSet labels, DateTimeOffset now) => true;
    }
}
