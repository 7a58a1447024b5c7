using System.Collections.Concurrent;
using Guardia.Core.Alerts;
using Guardia.Core.Incidents;
using Guardia.Core.Matching;
using Microsoft.Extensions.Time.Testing;

namespace Guardia.Core.Tests.Incidents;

/// <summary>A pager that records every page; users in <see cref="FailFor"/> fail, and with <see cref="Hang"/> set pages never complete.</summary>
public sealed class RecordingPager : IPager
{
    public ConcurrentQueue<Page> Pages { get; } = new();

    public HashSet<string> FailFor { get; } = [];

    public bool Hang { get; set; }

    public Task<PageOutcome> PageAsync(Page page, CancellationToken ct)
    {
        Pages.Enqueue(page);
        if (Hang)
        {
            return new TaskCompletionSource<PageOutcome>().Task;
        }
        return Task.FromResult(FailFor.Contains(page.UserId) ? PageOutcome.Failure("sms gateway said no") : PageOutcome.Success);
    }

    /// <summary>Paged users in order, status-update reminders left out.</summary>
    public string[] Users() => [.. Pages.Where(p => p.Reason != PageReason.Reminder).Select(p => p.UserId)];

    /// <summary>Page ids in order, status-update reminders left out.</summary>
    public string[] Ids() => [.. Pages.Where(p => p.Reason != PageReason.Reminder).Select(p => p.Id)];
}

/// <summary>Resolves users as themselves and schedules/teams from a table.</summary>
public sealed class TableResolver : IEscalationTargetResolver
{
    public Dictionary<string, string[]> Members { get; } = new(StringComparer.Ordinal)
    {
        ["schedule:platform-weekly"] = ["ana"],
        ["team:platform"] = ["ana", "luis", "marta"],
    };

    public IReadOnlyList<string> ResolveUsers(EscalationTarget target, DateTimeOffset at) =>
        target.Kind == EscalationTargetKind.User ? [target.Id] : Members.TryGetValue(target.ToString(), out var users) ? users : [];
}

/// <summary>The engine with fakes around it: a fake clock, an in-memory store, a recording pager.</summary>
public sealed class IncidentHarness : IDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    public static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    public IncidentHarness(IncidentConfig? config = null, IIncidentStore? store = null, FakeTimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider(T0);
        Store = store ?? new InMemoryIncidentStore();
        Engine = new IncidentEngine(Store, Pager, Resolver, Time, config ?? DefaultConfig(), Key);
        Engine.LoadAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public FakeTimeProvider Time { get; }

    public IIncidentStore Store { get; }

    public RecordingPager Pager { get; } = new();

    public TableResolver Resolver { get; } = new();

    public IncidentEngine Engine { get; }

    /// <summary>L1 schedule (5m) → L2 luis (10m) → L3 carla (15m) → L4 cto + team (30m), repeat as given.</summary>
    public static EscalationPolicy Tiendi(int repeat = 0) => new("tiendi-default",
    [
        new EscalationLevel("L1 on-call engineer", [new EscalationTarget(EscalationTargetKind.Schedule, "platform-weekly")], TimeSpan.FromMinutes(5)),
        new EscalationLevel("L2 team lead", [new EscalationTarget(EscalationTargetKind.User, "luis")], TimeSpan.FromMinutes(10)),
        new EscalationLevel("L3 engineering manager", [new EscalationTarget(EscalationTargetKind.User, "carla")], TimeSpan.FromMinutes(15)),
        new EscalationLevel("L4 CTO", [new EscalationTarget(EscalationTargetKind.User, "cto")], TimeSpan.FromMinutes(30)),
    ], repeat);

    public static IncidentConfig DefaultConfig(int repeat = 0, bool? autoResolve = null, bool settingsAutoResolve = true) => new()
    {
        Settings = IncidentSettings.Default with { AutoResolve = settingsAutoResolve },
        EscalationPolicies = new Dictionary<string, EscalationPolicy>(StringComparer.Ordinal) { ["tiendi-default"] = Tiendi(repeat) },
        IncidentPolicies =
        [
            new IncidentPolicy("critical-pages", Matchers.Of(MatcherParser.Parse("severity=~\"critical|warning\"")), ["pagerduty-critical"],
                new SeverityRule("severity", new Dictionary<string, Severity>(StringComparer.Ordinal) { ["critical"] = Severity.P1, ["warning"] = Severity.P3 }, Severity.P3),
                "tiendi-default", autoResolve),
        ],
    };

    public static Alert Alert(string name, string severity, DateTimeOffset startsAt, DateTimeOffset endsAt = default, string? summary = null) => new()
    {
        Labels = LabelSet.Of(("alertname", name), ("severity", severity), ("service", "checkout")),
        Annotations = summary is null ? LabelSet.Empty : LabelSet.Of(("summary", summary)),
        StartsAt = startsAt,
        EndsAt = endsAt,
        UpdatedAt = startsAt,
    };

    public static GroupObservation Group(string key, params Alert[] alerts) =>
        new(key, "pagerduty-critical", LabelSet.Of(("service", "checkout")), alerts);

    public async Task<Incident?> ObserveAsync(GroupObservation g)
    {
        var result = await Engine.ObserveGroupAsync(g, CancellationToken.None);
        await Engine.IdleAsync();
        return result;
    }

    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await Engine.IdleAsync();
    }

    public async Task<Incident> CreateP1Async(string title = "checkout down")
    {
        var i = await Engine.CreateAsync(new IncidentDraft { Title = title, Severity = Severity.P1, EscalationPolicy = "tiendi-default" }, "ana", CancellationToken.None);
        await Engine.IdleAsync();
        return i;
    }

    public async Task<Incident> GetAsync(string id) => (await Engine.GetAsync(id, CancellationToken.None))!;

    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(string id) => await Engine.GetTimelineAsync(id, CancellationToken.None);

    public void Dispose() => Engine.Dispose();
}
