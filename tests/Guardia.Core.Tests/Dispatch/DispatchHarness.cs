using System.Globalization;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Dispatch;
using Guardia.Core.NotificationLog;
using Guardia.Core.Notify;
using Guardia.Core.Routing;
using Microsoft.Extensions.Time.Testing;

namespace Guardia.Core.Tests.Dispatch;

/// <summary>A dispatcher over a real pipeline whose integrations record what they are asked to send, on a fake clock.</summary>
sealed class DispatchHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Start);

    public MemoryNotificationLog Log { get; } = new();

    public List<string> Sent { get; } = [];

    public Dispatcher Dispatcher { get; }

    public AlertmanagerConfig Config { get; }

    public Func<NotifyResult> Result { get; set; } = () => NotifyResult.Delivered();

    public DispatchHarness(string yaml, IMuter? silencer = null, IDeliveryOutcomes? outcomes = null)
    {
        Config = AlertmanagerConfigLoader.Load(yaml, "am.yml");
        var receivers = new Dictionary<string, IReadOnlyList<Integration>>();
        foreach (var r in Config.Receivers)
        {
            var list = new List<Integration>();
            for (var i = 0; i < r.WebhookConfigs.Count; i++)
            {
                list.Add(new Integration(new Recorder(this, r.Name), "webhook", i, r.WebhookConfigs[i].SendResolved));
            }
            receivers[r.Name] = list;
        }
        var pipeline = new NotificationPipeline(receivers, new PipelineDependencies(Log, Time)
        {
            TimeIntervals = Config.FindTimeInterval,
            Silencer = silencer ?? NothingMuted.Instance,
            Outcomes = outcomes ?? IDeliveryOutcomes.None,
        });
        Dispatcher = new Dispatcher(Route.Build(Config.Route), pipeline.NotifyAsync, Time);
    }

    public Alert Alert(string labels, DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null)
    {
        var now = Time.GetUtcNow();
        var pairs = labels.Split(',').Select(p => p.Split('=')).Select(p => new KeyValuePair<string, string>(p[0], p[1]));
        return new Alert
        {
            Labels = LabelSet.From(pairs),
            StartsAt = startsAt ?? now,
            EndsAt = endsAt ?? now + TimeSpan.FromHours(24),
            UpdatedAt = now,
        };
    }

    public void Put(params Alert[] alerts) => Dispatcher.Put(alerts);

    /// <summary>Moves the clock to <paramref name="offset"/> after <see cref="Start"/> in steps of at most <paramref name="step"/>
    /// (one second unless given): the fake clock runs every timer due within one step at the step's end.</summary>
    public void AdvanceTo(TimeSpan offset, TimeSpan? step = null)
    {
        var max = step ?? TimeSpan.FromSeconds(1);
        var target = Start + offset;
        while (Time.GetUtcNow() < target)
        {
            var left = target - Time.GetUtcNow();
            Time.Advance(left < max ? left : max);
        }
    }

    public static string Offset(TimeSpan t)
    {
        var s = string.Empty;
        if (t.Hours > 0)
        {
            s += t.Hours.ToString(CultureInfo.InvariantCulture) + "h";
        }
        if (t.Minutes > 0)
        {
            s += t.Minutes.ToString(CultureInfo.InvariantCulture) + "m";
        }
        if (t.Seconds > 0 || s.Length == 0)
        {
            s += t.Seconds.ToString(CultureInfo.InvariantCulture) + "s";
        }
        if (t.Milliseconds > 0)
        {
            s += t.Milliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
        }
        return s;
    }

    /// <summary>Like <see cref="AdvanceTo"/>, letting the retry stage's continuations run between one-second steps.</summary>
    public async Task AdvanceWithRetriesTo(TimeSpan offset)
    {
        var target = Start + offset;
        while (Time.GetUtcNow() < target)
        {
            var left = target - Time.GetUtcNow();
            Time.Advance(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }
    }

    public void Dispose() => Dispatcher.Dispose();

    sealed class Recorder(DispatchHarness harness, string receiver) : INotifier
    {
        public Task<NotifyResult> NotifyAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
        {
            var result = harness.Result();
            if (result.Success)
            {
                var at = harness.Time.GetUtcNow() - Start;
                var list = string.Join(",", alerts.Select(a => a.Labels.Get("a") + (a.ResolvedAt(flush.Now) ? ":resolved" : string.Empty)));
                lock (harness.Sent)
                {
                    harness.Sent.Add($"{Offset(at)} {receiver} {flush.GroupKey} [{list}]");
                }
            }
            return Task.FromResult(result);
        }
    }
}
