using System.Collections.Concurrent;
using Guardia.Core.Alerts;
using Guardia.Core.Incidents;
using Guardia.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Guardia.Storage.Tests.Sqlite;

/// <summary>The incident store on a real SQLite file in a temporary directory, alone and under the engine across restarts.</summary>
public sealed class SqliteIncidentStoreTests : IDisposable
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    static readonly byte[] Key = [.. Enumerable.Range(7, 32).Select(i => (byte)i)];
    static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
    readonly string _dir = Directory.CreateTempSubdirectory("guardia-incidents-").FullName;
    readonly List<IDisposable> _open = [];

    public void Dispose()
    {
        foreach (var d in _open)
        {
            d.Dispose();
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    SqliteIncidentStore OpenStore()
    {
        var store = new SqliteIncidentStore(SqliteDatabase.Open(_dir));
        _open.Add(store);
        return store;
    }

    sealed class Pager : IPager
    {
        public ConcurrentQueue<Page> Pages { get; } = new();

        public bool Hang { get; init; }

        public Task<PageOutcome> PageAsync(Page page, CancellationToken ct)
        {
            Pages.Enqueue(page);
            return Hang ? new TaskCompletionSource<PageOutcome>().Task : Task.FromResult(PageOutcome.Success);
        }

        public string[] Escalations() => [.. Pages.Where(p => p.Reason != PageReason.Reminder).Select(p => p.UserId)];
    }

    sealed class Resolver : IEscalationTargetResolver
    {
        public IReadOnlyList<string> ResolveUsers(EscalationTarget target, DateTimeOffset at) =>
            target.Kind == EscalationTargetKind.Schedule ? ["ana"] : [target.Id];
    }

    static IncidentConfig Config() => new()
    {
        EscalationPolicies = new Dictionary<string, EscalationPolicy>(StringComparer.Ordinal)
        {
            ["tiendi-default"] = new("tiendi-default",
            [
                new EscalationLevel("L1 on-call engineer", [new EscalationTarget(EscalationTargetKind.Schedule, "platform-weekly")], TimeSpan.FromMinutes(5)),
                new EscalationLevel("L2 team lead", [new EscalationTarget(EscalationTargetKind.User, "luis")], TimeSpan.FromMinutes(10)),
                new EscalationLevel("L3 engineering manager", [new EscalationTarget(EscalationTargetKind.User, "carla")], TimeSpan.FromMinutes(15)),
            ], 0),
        },
    };

    async Task<(IncidentEngine Engine, Pager Pager, FakeTimeProvider Time, SqliteIncidentStore Store)> StartAsync(DateTimeOffset at, bool hang = false)
    {
        var store = OpenStore();
        var pager = new Pager { Hang = hang };
        var time = new FakeTimeProvider(at);
        var engine = new IncidentEngine(store, pager, new Resolver(), time, Config(), Key);
        _open.Add(engine);
        await engine.LoadAsync(CancellationToken.None);
        await engine.IdleAsync();
        return (engine, pager, time, store);
    }

    static Incident Sample(long number, IncidentStatus status = IncidentStatus.Triggered, string? group = null) => new()
    {
        Id = Incident.IdFor(number),
        Number = number,
        Title = "Checkout 'down'; DROP TABLE incidents; -- \"ñandú\" 🚨",
        Severity = Severity.P2,
        Status = status,
        Policy = "critical-pages",
        EscalationPolicy = "tiendi-default",
        GroupKey = group,
        Service = "checkout",
        CreatedBy = "token:ci",
        CreatedAt = T0.AddTicks(1234567),
        AcknowledgedAt = status == IncidentStatus.Triggered ? null : T0.AddMinutes(3).AddTicks(1),
        AcknowledgedBy = status == IncidentStatus.Triggered ? null : "ana",
        ResolvedAt = status is IncidentStatus.Resolved or IncidentStatus.Closed ? T0.AddHours(1) : null,
        Assignee = "ana",
        Responders = ["luis", "marta"],
        Roles = new Dictionary<IncidentRole, string> { [IncidentRole.Commander] = "luis", [IncidentRole.Scribe] = "marta" },
        Alerts = [new Fingerprint(0xdeadbeef), new Fingerprint(ulong.MaxValue), new Fingerprint(1)],
        Escalation = new EscalationState(2, 1, 3, T0.AddMinutes(17).AddTicks(9), false),
        ReminderDueAt = T0.AddMinutes(15),
        Reminders = 4,
        Reassignments = 2,
        ResponseDueAt = T0.AddMinutes(15),
        ResponseTargetBreached = true,
    };

    static PageRecord PageOf(string id, PageState state) =>
        new(id, "INC-1", 0, "L1 on-call engineer", 0, "ana", PageReason.Escalation, state, T0, state == PageState.Pending ? 0 : 1, state == PageState.Pending ? null : T0.AddSeconds(1), null);

    static void AssertSame(Incident a, Incident b)
    {
        Assert.Equal(a with { Responders = [], Roles = new Dictionary<IncidentRole, string>(), Alerts = [] },
            b with { Responders = [], Roles = new Dictionary<IncidentRole, string>(), Alerts = [] }, new IncidentComparer());
        Assert.Equal(a.Responders, b.Responders);
        Assert.Equal(a.Roles.OrderBy(r => r.Key), b.Roles.OrderBy(r => r.Key));
        Assert.Equal(a.Alerts, b.Alerts);
    }

    sealed class IncidentComparer : IEqualityComparer<Incident>
    {
        public bool Equals(Incident? x, Incident? y) => x!.ToString() == y!.ToString() && x.Escalation == y.Escalation;

        public int GetHashCode(Incident obj) => 0;
    }

    [Fact]
    public async Task Reopen_RestoresIncidentsTimelinesAndPages_WithExactTimes()
    {
        var store = OpenStore();
        var incident = Sample(await store.NextNumberAsync(default));
        var data = new Dictionary<string, string>(StringComparer.Ordinal) { ["user"] = "ana", ["quote"] = "\"'; --" };
        await store.SaveAsync(new IncidentChange([incident],
            [new TimelineEntry(incident.Id, T0.AddTicks(3), "ana", TimelineKind.Note, "primera nota ✓", data), new TimelineEntry(incident.Id, T0.AddTicks(2), "system", TimelineKind.Escalated, "second")],
            [PageOf("INC-1/c0/r0/l0/ana", PageState.Pending)]), default);
        store.Dispose();

        var again = OpenStore();
        AssertSame(incident, (await again.GetAsync("INC-1", default))!);
        var timeline = await again.GetTimelineAsync("INC-1", default);
        Assert.Equal(["primera nota ✓", "second"], timeline.Select(e => e.Text));
        Assert.Equal((T0.AddTicks(3), "ana", TimelineKind.Note), (timeline[0].At, timeline[0].Actor, timeline[0].Kind));
        Assert.Equal(data, timeline[0].Data);
        Assert.Equal([PageOf("INC-1/c0/r0/l0/ana", PageState.Pending)], await again.GetPagesAsync("INC-1", default));
        Assert.Null(await again.GetAsync("INC-404", default));
        Assert.Empty(await again.GetTimelineAsync("INC-404", default));
    }

    [Fact]
    public async Task NextNumber_IsNeverReused_AcrossReopen()
    {
        var store = OpenStore();
        Assert.Equal(1, await store.NextNumberAsync(default));
        Assert.Equal(2, await store.NextNumberAsync(default));
        store.Dispose();
        Assert.Equal(3, await OpenStore().NextNumberAsync(default));
    }

    [Fact]
    public async Task Pages_NeverGoBackToPending_AndOnlyPendingOnesAreLoaded()
    {
        var store = OpenStore();
        await store.SaveAsync(new IncidentChange([Sample(1)], [], [PageOf("p1", PageState.Pending), PageOf("p2", PageState.Pending)]), default);
        await store.SaveAsync(new IncidentChange([], [], [PageOf("p1", PageState.Sent)]), default);
        await store.SaveAsync(new IncidentChange([], [], [PageOf("p1", PageState.Pending), PageOf("p2", PageState.Pending)]), default);

        var pages = await store.GetPagesAsync("INC-1", default);
        Assert.Equal([("p1", PageState.Sent), ("p2", PageState.Pending)], pages.Select(p => (p.Id, p.State)));
        var state = await store.LoadAsync(default);
        Assert.Equal(["p2"], state.PendingPages.Select(p => p.Id));
    }

    [Fact]
    public async Task Load_ReturnsOpenIncidents_AndTheLatestOfEachGroup()
    {
        var store = OpenStore();
        await store.SaveAsync(new IncidentChange(
        [
            Sample(1, IncidentStatus.Closed, "g1"),
            Sample(2, IncidentStatus.Resolved, "g1"),
            Sample(3, IncidentStatus.Acknowledged, "g2"),
            Sample(4, IncidentStatus.Closed),
            Sample(5, IncidentStatus.Triggered),
        ], [], []), default);
        var state = await store.LoadAsync(default);
        Assert.Equal(["INC-2", "INC-3", "INC-5"], state.Incidents.Select(i => i.Id));
        Assert.Equal(3, state.Incidents[0].Alerts.Count);

        Assert.Equal(["INC-4", "INC-1"], (await store.ListAsync(new IncidentQuery(Status: IncidentStatus.Closed), default)).Select(i => i.Id));
        Assert.Equal(5, (await store.ListAsync(new IncidentQuery(Severity: Severity.P2), default)).Count);
        Assert.Empty(await store.ListAsync(new IncidentQuery(Severity: Severity.P1), default));
        Assert.Equal(["INC-5", "INC-4"], (await store.ListAsync(new IncidentQuery(Limit: 2), default)).Select(i => i.Id));
    }

    [Fact]
    public async Task Restart_PagesL2ExactlyOnce_AndNeverRepagesL1()
    {
        var (a, pagerA, _, _) = await StartAsync(T0);
        var incident = await a.CreateAsync(new IncidentDraft { Title = "checkout down", Severity = Severity.P1, EscalationPolicy = "tiendi-default" }, "ana", default);
        await a.IdleAsync();
        Assert.Equal(["ana"], pagerA.Escalations());
        // kill -9: engine A is abandoned as it is; its clock never moves again.

        var (b, pagerB, timeB, storeB) = await StartAsync(T0.AddMinutes(5).AddMilliseconds(1));
        Assert.Equal(["luis"], pagerB.Escalations());
        await b.IdleAsync();
        Assert.Equal(["luis"], pagerB.Escalations());
        timeB.Advance(TimeSpan.FromMinutes(10) - Ms);
        await b.IdleAsync();
        Assert.Equal(["luis"], pagerB.Escalations());
        timeB.Advance(Ms);
        await b.IdleAsync();
        Assert.Equal(["luis", "carla"], pagerB.Escalations());
        // The status-update reminder A scheduled for T0+15m fires once, in B.
        Assert.Equal(["INC-1/c0/reminder1/luis"], pagerB.Pages.Where(p => p.Reason == PageReason.Reminder).Select(p => p.Id));

        var pages = (await storeB.GetPagesAsync(incident.Id, default)).Where(p => p.Reason != PageReason.Reminder).ToList();
        Assert.Equal(["INC-1/c0/r0/l0/ana", "INC-1/c0/r0/l1/luis", "INC-1/c0/r0/l2/carla"], pages.Select(p => p.Id));
        Assert.All(pages, p => Assert.Equal((PageState.Sent, 1), (p.State, p.Attempts)));
        var current = (await b.GetAsync(incident.Id, default))!;
        Assert.True(current.ResponseTargetBreached);
        Assert.Equal(T0.AddMinutes(5).AddMilliseconds(1).AddMinutes(25), current.Escalation.NextDueAt);
    }

    [Fact]
    public async Task Restart_SendsAPageLeftPendingExactlyOnce()
    {
        var (a, pagerA, _, storeA) = await StartAsync(T0, hang: true);
        var incident = await a.CreateAsync(new IncidentDraft { Title = "checkout down", Severity = Severity.P1, EscalationPolicy = "tiendi-default" }, "ana", default);
        Assert.Single(pagerA.Pages);
        Assert.Equal(PageState.Pending, (await storeA.GetPagesAsync(incident.Id, default)).Single().State);
        // kill -9 while the pager still holds the page.

        var (b, pagerB, timeB, storeB) = await StartAsync(T0.AddMinutes(1));
        Assert.Equal(["INC-1/c0/r0/l0/ana"], pagerB.Pages.Select(p => p.Id));
        var page = (await storeB.GetPagesAsync(incident.Id, default)).Single();
        Assert.Equal((PageState.Sent, 1), (page.State, page.Attempts));
        Assert.True(AckTokens.TryVerify(Key, pagerB.Pages.Single().AckToken, incident.Id, timeB.GetUtcNow(), out var user));
        Assert.Equal("ana", user);

        var (c, pagerC, _, _) = await StartAsync(T0.AddMinutes(2));
        Assert.Empty(pagerC.Pages);
        await c.AcknowledgeWithTokenAsync(pagerB.Pages.Single().AckToken, default);
        Assert.Equal(IncidentStatus.Acknowledged, (await c.GetAsync(incident.Id, default))!.Status);
        Assert.Contains(await c.GetTimelineAsync(incident.Id, default), e => e.Kind == TimelineKind.PageDelivered && e.Text == "page delivered to ana (L1 on-call engineer)");
    }

    [Fact]
    public async Task Restart_KeepsTheGroupsLatestIncident_SoResolvedAlertsDoNotReopenIt()
    {
        var config = Config() with
        {
            IncidentPolicies = [new IncidentPolicy("all", Core.Matching.Matchers.Empty, null, SeverityRule.Standard, null, true)],
        };
        var alert = new Alert { Labels = LabelSet.Of(("alertname", "X"), ("severity", "critical")), StartsAt = T0, UpdatedAt = T0 };
        var group = new GroupObservation("g", "r", LabelSet.Empty, [alert]);
        var (a, _, _, _) = await StartAsync(T0);
        a.Reconfigure(config);
        var first = await a.ObserveGroupAsync(group, default);
        await a.ResolveAsync(first!.Id, "ana", default);

        var (b, _, _, _) = await StartAsync(T0.AddMinutes(1));
        b.Reconfigure(config);
        var after = await b.ObserveGroupAsync(group, default);
        Assert.Equal((first.Id, IncidentStatus.Resolved), (after!.Id, after.Status));
        var refired = await b.ObserveGroupAsync(group with { Alerts = [alert with { StartsAt = T0.AddMinutes(1) }] }, default);
        Assert.Equal("INC-2", refired!.Id);
    }
}
