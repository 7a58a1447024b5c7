using Guardia.Core.Incidents;
using static Guardia.Core.Tests.Incidents.IncidentHarness;

namespace Guardia.Core.Tests.Incidents;

public sealed class IncidentEngineTests
{
    static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
    static readonly CancellationToken None = CancellationToken.None;

    // ---- opening from aggregation groups ----

    static TheoryDataRow<string, string[], Severity> SeverityRow(string name, string[] severities, Severity expected) =>
        new(name, severities, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string[], Severity>> SeverityCases =>
    [
        SeverityRow("critical maps to P1", ["critical"], Severity.P1),
        SeverityRow("warning maps to P3", ["warning"], Severity.P3),
        SeverityRow("most severe alert wins", ["warning", "critical"], Severity.P1),
    ];

    [Theory]
    [MemberData(nameof(SeverityCases))]
    public async Task ObserveGroup_DerivesSeverityFromLabels(string name, string[] severities, Severity expected)
    {
        using var h = new IncidentHarness();
        var alerts = severities.Select((s, i) => Alert("A" + i, s, T0)).ToArray();
        var incident = await h.ObserveAsync(Group("g", alerts));
        Assert.True(incident is not null, name);
        Assert.Equal(expected, incident!.Severity);
    }

    [Fact]
    public void SeverityRule_MapsLabelValuesWithDefault()
    {
        var rule = SeverityRule.Standard;
        Assert.Equal(Severity.P1, rule.For(Core.Alerts.LabelSet.Of(("severity", "critical"))));
        Assert.Equal(Severity.P2, rule.For(Core.Alerts.LabelSet.Of(("severity", "error"))));
        Assert.Equal(Severity.P3, rule.For(Core.Alerts.LabelSet.Of(("severity", "warning"))));
        Assert.Equal(Severity.P4, rule.For(Core.Alerts.LabelSet.Of(("severity", "info"))));
        Assert.Equal(Severity.P3, rule.For(Core.Alerts.LabelSet.Of(("severity", "unheard-of"))));
        Assert.Equal(Severity.P3, rule.For(Core.Alerts.LabelSet.Empty));
    }

    [Fact]
    public async Task ObserveGroup_OpensOneIncident_AttachesLaterAlerts_AndOpensANewOneOnlyAfterResolution()
    {
        using var h = new IncidentHarness();
        var a1 = Alert("CheckoutErrors", "critical", T0, summary: "Checkout 5xx above 5%");
        var first = await h.ObserveAsync(Group("g", a1));
        Assert.NotNull(first);
        Assert.Equal(("INC-1", "Checkout 5xx above 5%", "critical-pages", "g", "checkout"), (first.Id, first.Title, first.Policy, first.GroupKey, first.Service));
        Assert.Equal(["ana"], h.Pager.Users());

        await h.AdvanceAsync(TimeSpan.FromMinutes(1));
        var a2 = Alert("CheckoutLatency", "warning", T0.AddMinutes(1));
        var again = await h.ObserveAsync(Group("g", a1, a2));
        Assert.Equal("INC-1", again!.Id);
        Assert.Equal([a1.Fingerprint, a2.Fingerprint], again.Alerts);
        Assert.Equal(2, (await h.TimelineAsync("INC-1")).Count(e => e.Kind == TimelineKind.AlertAttached));
        Assert.Equal(["ana"], h.Pager.Users());

        await h.Engine.ResolveAsync("INC-1", "ana", None);
        var same = await h.ObserveAsync(Group("g", a1, a2));
        Assert.Equal(("INC-1", IncidentStatus.Resolved), (same!.Id, same.Status));

        await h.AdvanceAsync(TimeSpan.FromMinutes(1));
        var a3 = Alert("CheckoutDown", "critical", T0.AddMinutes(2));
        var second = await h.ObserveAsync(Group("g", a1, a2, a3));
        Assert.Equal(("INC-2", IncidentStatus.Triggered), (second!.Id, second.Status));

        var other = await h.ObserveAsync(Group("other", Alert("DiskFull", "warning", T0)));
        Assert.Equal("INC-3", other!.Id);
    }

    [Fact]
    public async Task ObserveGroup_OpensANewIncident_WhenAKnownAlertFiresAgainAfterResolution()
    {
        using var h = new IncidentHarness();
        var a1 = Alert("CheckoutErrors", "critical", T0);
        await h.ObserveAsync(Group("g", a1));
        await h.AdvanceAsync(TimeSpan.FromMinutes(1));
        await h.ObserveAsync(Group("g", a1 with { EndsAt = h.Time.GetUtcNow() }));
        Assert.Equal(IncidentStatus.Resolved, (await h.GetAsync("INC-1")).Status);

        await h.AdvanceAsync(TimeSpan.FromMinutes(1));
        var refired = await h.ObserveAsync(Group("g", a1 with { StartsAt = h.Time.GetUtcNow(), EndsAt = default }));
        Assert.Equal("INC-2", refired!.Id);
    }

    static TheoryDataRow<string, string, string, bool> MatchRow(string name, string receiver, string severity, bool opens) =>
        new(name, receiver, severity, opens) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, string, bool>> MatchCases =>
    [
        MatchRow("matching receiver and labels", "pagerduty-critical", "critical", true),
        MatchRow("other receiver", "slack-warnings", "critical", false),
        MatchRow("labels not matched", "pagerduty-critical", "info", false),
    ];

    [Theory]
    [MemberData(nameof(MatchCases))]
    public async Task ObserveGroup_OpensOnlyWhenAPolicyMatches(string name, string receiver, string severity, bool opens)
    {
        using var h = new IncidentHarness();
        var g = Group("g", Alert("X", severity, T0)) with { Receiver = receiver };
        var incident = await h.ObserveAsync(g);
        Assert.True(opens == incident is not null, name);
    }

    [Fact]
    public async Task ObserveGroup_DoesNotOpen_WhenEveryAlertIsResolved()
    {
        using var h = new IncidentHarness();
        Assert.Null(await h.ObserveAsync(Group("g", Alert("X", "critical", T0.AddHours(-1), T0))));
    }

    static TheoryDataRow<string, bool?, bool, bool> AutoRow(string name, bool? policy, bool settings, bool resolves) =>
        new(name, policy, settings, resolves) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, bool?, bool, bool>> AutoResolveCases =>
    [
        AutoRow("policy on", true, false, true),
        AutoRow("policy off", false, true, false),
        AutoRow("inherits settings on", null, true, true),
        AutoRow("inherits settings off", null, false, false),
    ];

    [Theory]
    [MemberData(nameof(AutoResolveCases))]
    public async Task ObserveGroup_AutoResolvesWhenAllAlertsResolve_AsConfigured(string name, bool? policy, bool settings, bool resolves)
    {
        using var h = new IncidentHarness(DefaultConfig(autoResolve: policy, settingsAutoResolve: settings));
        var a1 = Alert("A", "critical", T0);
        var a2 = Alert("B", "critical", T0);
        await h.ObserveAsync(Group("g", a1, a2));
        await h.AdvanceAsync(TimeSpan.FromMinutes(1));
        var partly = await h.ObserveAsync(Group("g", a1 with { EndsAt = h.Time.GetUtcNow() }, a2));
        Assert.Equal(IncidentStatus.Triggered, partly!.Status);
        var all = await h.ObserveAsync(Group("g", a1 with { EndsAt = h.Time.GetUtcNow() }, a2 with { EndsAt = h.Time.GetUtcNow() }));
        Assert.True((all!.Status == IncidentStatus.Resolved) == resolves, name);
        if (resolves)
        {
            var entries = await h.TimelineAsync("INC-1");
            var entry = entries[^1];
            Assert.Equal((TimelineKind.Resolved, Actors.System), (entry.Kind, entry.Actor));
            await h.AdvanceAsync(TimeSpan.FromHours(2));
            Assert.Equal(["ana"], h.Pager.Users());
        }
    }

    // ---- escalation ----

    [Fact]
    public async Task Escalation_PagesTheNextLevelExactlyAtTheTimeout_NotBefore()
    {
        using var h = new IncidentHarness();
        var incident = await h.CreateP1Async();
        Assert.Equal(["ana"], h.Pager.Users());
        Assert.Equal(T0.AddMinutes(5), incident.Escalation.NextDueAt);

        await h.AdvanceAsync(TimeSpan.FromMinutes(5) - Ms);
        Assert.Equal(["ana"], h.Pager.Users());
        await h.AdvanceAsync(Ms);
        Assert.Equal(["ana", "luis"], h.Pager.Users());
        Assert.Equal(T0.AddMinutes(15), (await h.GetAsync(incident.Id)).Escalation.NextDueAt);

        await h.AdvanceAsync(TimeSpan.FromMinutes(10) - Ms);
        Assert.Equal(["ana", "luis"], h.Pager.Users());
        await h.AdvanceAsync(Ms);
        Assert.Equal(["ana", "luis", "carla"], h.Pager.Users());
        var page = h.Pager.Pages.Last(p => p.Reason != PageReason.Reminder);
        Assert.Equal(("L3 engineering manager", 2, PageReason.Escalation, "INC-1/c0/r0/l2/carla"), (page.LevelName, page.Level, page.Reason, page.Id));
        var timeline = await h.TimelineAsync(incident.Id);
        Assert.Contains(timeline, e => e.Kind == TimelineKind.Escalated && e.Text == "escalated to L2 team lead: paging luis");
        Assert.Contains(timeline, e => e.Kind == TimelineKind.PageDelivered && e.Text == "page delivered to luis (L2 team lead)");
    }

    static TheoryDataRow<string, int, string[]> RepeatRow(string name, int repeat, string[] users) =>
        new(name, repeat, users) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, int, string[]>> RepeatCases =>
    [
        RepeatRow("no repeat stops after the last level", 0, ["ana", "luis", "carla", "cto"]),
        RepeatRow("repeat once", 1, ["ana", "luis", "carla", "cto", "ana", "luis", "carla", "cto"]),
        RepeatRow("repeat twice", 2, ["ana", "luis", "carla", "cto", "ana", "luis", "carla", "cto", "ana", "luis", "carla", "cto"]),
    ];

    [Theory]
    [MemberData(nameof(RepeatCases))]
    public async Task Escalation_RepeatsNTimesThenStops(string name, int repeat, string[] users)
    {
        using var h = new IncidentHarness(DefaultConfig(repeat));
        var incident = await h.CreateP1Async();
        for (var i = 0; i < 60; i++)
        {
            await h.AdvanceAsync(TimeSpan.FromMinutes(5));
        }
        Assert.True(users.SequenceEqual(h.Pager.Users()), name + ": " + string.Join(",", h.Pager.Users()));
        Assert.Equal(h.Pager.Pages.Select(p => p.Id).Distinct().Count(), h.Pager.Pages.Count);
        var after = await h.GetAsync(incident.Id);
        Assert.True(after.Escalation.Exhausted);
        Assert.Null(after.Escalation.NextDueAt);
        Assert.Single(await h.TimelineAsync(incident.Id), e => e.Kind == TimelineKind.EscalationStopped);
    }

    [Fact]
    public async Task Acknowledge_StopsEscalation_AndRecordsTimeToAcknowledge()
    {
        using var h = new IncidentHarness();
        var incident = await h.CreateP1Async();
        await h.AdvanceAsync(TimeSpan.FromMinutes(2));
        var acked = await h.Engine.AcknowledgeAsync(incident.Id, "ana", None);
        Assert.Equal((IncidentStatus.Acknowledged, "ana", "ana"), (acked.Status, acked.AcknowledgedBy, acked.Assignee));
        Assert.Equal(TimeSpan.FromMinutes(2), acked.TimeToAcknowledge);
        Assert.False(acked.ResponseTargetBreached);
        await h.AdvanceAsync(TimeSpan.FromHours(3));
        Assert.Equal(["ana"], h.Pager.Users());
    }

    [Fact]
    public async Task EscalateNow_PagesTheNextLevel_AndTheTimerContinuesFromThere()
    {
        using var h = new IncidentHarness();
        var incident = await h.CreateP1Async();
        await h.AdvanceAsync(TimeSpan.FromMinutes(1));
        var escalated = await h.Engine.EscalateNowAsync(incident.Id, "ana", None);
        await h.Engine.IdleAsync();
        Assert.Equal(["ana", "luis"], h.Pager.Users());
        Assert.Equal(PageReason.EscalateNow, h.Pager.Pages.Last().Reason);
        Assert.Equal(T0.AddMinutes(11), escalated.Escalation.NextDueAt);
        await h.AdvanceAsync(TimeSpan.FromMinutes(10) - Ms);
        Assert.Equal(2, h.Pager.Users().Length);
        await h.AdvanceAsync(Ms);
        Assert.Equal(["ana", "luis", "carla"], h.Pager.Users());
        Assert.Contains(await h.TimelineAsync(incident.Id), e => e.Kind == TimelineKind.Escalated && e.Actor == "ana" && e.Text.StartsWith("escalated now by ana to L2 team lead", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EscalateNow_OnAnAcknowledgedIncident_PagesOnceWithoutRestartingTheTimer()
    {
        using var h = new IncidentHarness();
        var incident = await h.CreateP1Async();
        await h.Engine.AcknowledgeAsync(incident.Id, "ana", None);
        var escalated = await h.Engine.EscalateNowAsync(incident.Id, "ana", None);
        await h.AdvanceAsync(TimeSpan.FromHours(2));
        Assert.Equal(["ana", "luis"], h.Pager.Users());
        Assert.Null(escalated.Escalation.NextDueAt);
    }

    [Fact]
    public async Task EscalateNow_Fails_AtTheLastLevelWithoutRepeat()
    {
        using var h = new IncidentHarness();
        var incident = await h.CreateP1Async();
        for (var i = 0; i < 3; i++)
        {
            await h.Engine.EscalateNowAsync(incident.Id, "ana", None);
        }
        var ex = await Assert.ThrowsAsync<IncidentException>(() => h.Engine.EscalateNowAsync(incident.Id, "ana", None));
        Assert.Equal(IncidentError.InvalidTransition, ex.Error);
        Assert.Contains("already at the last level (L4 CTO)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reassign_PagesTheNewAssignee_AndRefusesTheSameOne()
    {
        using var h = new IncidentHarness();
        var incident = await h.CreateP1Async();
        var reassigned = await h.Engine.ReassignAsync(incident.Id, "marta", "ana", None);
        await h.Engine.IdleAsync();
        Assert.Equal("marta", reassigned.Assignee);
        Assert.Equal(["ana", "marta"], h.Pager.Users());
        Assert.Equal((PageReason.Reassigned, "INC-1/c0/reassign1/marta"), (h.Pager.Pages.Last().Reason, h.Pager.Pages.Last().Id));
        var ex = await Assert.ThrowsAsync<IncidentException>(() => h.Engine.ReassignAsync(incident.Id, "marta", "ana", None));
        Assert.Equal("INC-1 is already assigned to marta", ex.Message);
        await h.Engine.ReassignAsync(incident.Id, "luis", "ana", None);
        await h.Engine.ReassignAsync(incident.Id, "marta", "ana", None);
        await h.Engine.IdleAsync();
        Assert.Equal(["ana", "marta", "luis", "marta"], h.Pager.Users());
    }

    [Fact]
    public async Task AddResponder_SetRole_Note_AreOnTheTimeline()
    {
        using var h = new IncidentHarness();
        var incident = await h.CreateP1Async();
        await h.Engine.AddResponderAsync(incident.Id, "marta", "ana", None);
        await h.Engine.SetRoleAsync(incident.Id, IncidentRole.Commander, "luis", "ana", None);
        await h.Engine.SetRoleAsync(incident.Id, IncidentRole.Scribe, "marta", "luis", None);
        await h.Engine.SetRoleAsync(incident.Id, IncidentRole.Scribe, null, "luis", None);
        await h.Engine.AddNoteAsync(incident.Id, "rolled back deploy 4711", "marta", None);
        await h.Engine.IdleAsync();
        var current = await h.GetAsync(incident.Id);
        Assert.Equal(["marta"], current.Responders);
        Assert.Equal(new Dictionary<IncidentRole, string> { [IncidentRole.Commander] = "luis" }, current.Roles);
        Assert.Equal(["ana", "marta"], h.Pager.Users());
        var texts = (await h.TimelineAsync(incident.Id)).Select(e => (e.Kind, e.Actor, e.Text)).ToList();
        Assert.Contains((TimelineKind.ResponderAdded, "ana", "marta added as responder"), texts);
        Assert.Contains((TimelineKind.RoleSet, "ana", "luis is incident commander"), texts);
        Assert.Contains((TimelineKind.RoleSet, "luis", "scribe cleared"), texts);
        Assert.Contains((TimelineKind.Note, "marta", "rolled back deploy 4711"), texts);
        await Assert.ThrowsAsync<IncidentException>(() => h.Engine.AddResponderAsync(incident.Id, "marta", "ana", None));
        await Assert.ThrowsAsync<IncidentException>(() => h.Engine.SetRoleAsync(incident.Id, IncidentRole.Scribe, null, "ana", None));
        await Assert.ThrowsAsync<IncidentException>(() => h.Engine.AddNoteAsync(incident.Id, "  ", "ana", None));
    }

    [Fact]
    public async Task PageFailure_IsRecordedOnTheTimelineAndInTheOutbox()
    {
        using var h = new IncidentHarness();
        h.Pager.FailFor.Add("ana");
        var incident = await h.CreateP1Async();
        var pages = await h.Engine.GetPagesAsync(incident.Id, None);
        Assert.Equal((PageState.Failed, "sms gateway said no", 1), (pages[0].State, pages[0].Error, pages[0].Attempts));
        Assert.Contains(await h.TimelineAsync(incident.Id), e => e.Kind == TimelineKind.PageFailed && e.Text == "page to ana (L1 on-call engineer) failed: sms gateway said no");
    }

    [Fact]
    public async Task Reopen_StartsANewEscalationCycle()
    {
        using var h = new IncidentHarness();
        var incident = await h.CreateP1Async();
        await h.Engine.ResolveAsync(incident.Id, "ana", None);
        await h.Engine.CloseAsync(incident.Id, "ana", None);
        await h.AdvanceAsync(TimeSpan.FromHours(1));
        var reopened = await h.Engine.ReopenAsync(incident.Id, "luis", None);
        await h.Engine.IdleAsync();
        Assert.Equal((IncidentStatus.Triggered, 1, (DateTimeOffset?)null), (reopened.Status, reopened.Escalation.Cycle, reopened.ResolvedAt));
        Assert.Equal(["INC-1/c0/r0/l0/ana", "INC-1/c1/r0/l0/ana"], h.Pager.Ids());
        await h.AdvanceAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(["ana", "ana", "luis"], h.Pager.Users());
    }

    // ---- reminders and response targets ----

    static TheoryDataRow<string, Severity, int> ReminderRow(string name, Severity severity, int reminders) =>
        new(name, severity, reminders) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, Severity, int>> ReminderCases =>
    [
        ReminderRow("P1 every 15 minutes", Severity.P1, 3),
        ReminderRow("P2 every 15 minutes", Severity.P2, 3),
        ReminderRow("P3 none", Severity.P3, 0),
        ReminderRow("P4 none", Severity.P4, 0),
    ];

    [Theory]
    [MemberData(nameof(ReminderCases))]
    public async Task Reminders_EveryIntervalForP1AndP2_UntilResolved(string name, Severity severity, int expected)
    {
        using var h = new IncidentHarness();
        var incident = await h.Engine.CreateAsync(new IncidentDraft { Title = "t", Severity = severity, Assignee = "ana" }, "ana", None);
        await h.AdvanceAsync(TimeSpan.FromMinutes(15) - Ms);
        Assert.Empty(h.Pager.Pages);
        await h.AdvanceAsync(Ms);
        await h.AdvanceAsync(TimeSpan.FromMinutes(15));
        await h.AdvanceAsync(TimeSpan.FromMinutes(15));
        Assert.True(expected == h.Pager.Pages.Count, name);
        Assert.All(h.Pager.Pages, p => Assert.Equal((PageReason.Reminder, "ana"), (p.Reason, p.UserId)));
        await h.Engine.ResolveAsync(incident.Id, "ana", None);
        await h.AdvanceAsync(TimeSpan.FromHours(2));
        Assert.Equal(expected, h.Pager.Pages.Count);
        Assert.Equal(expected, (await h.TimelineAsync(incident.Id)).Count(e => e.Kind == TimelineKind.Reminder));
    }

    [Fact]
    public async Task Reminders_GoToTheCommunicationsLead_AndAStatusUpdatePostponesThem()
    {
        using var h = new IncidentHarness();
        var incident = await h.Engine.CreateAsync(new IncidentDraft { Title = "t", Severity = Severity.P1, Assignee = "ana" }, "ana", None);
        await h.Engine.SetRoleAsync(incident.Id, IncidentRole.CommunicationsLead, "carla", "ana", None);
        await h.AdvanceAsync(TimeSpan.FromMinutes(10));
        await h.Engine.PostStatusUpdateAsync(incident.Id, "Investigando / investigating", "carla", None);
        await h.AdvanceAsync(TimeSpan.FromMinutes(15) - Ms);
        Assert.Empty(h.Pager.Pages);
        await h.AdvanceAsync(Ms);
        Assert.Equal([(PageReason.Reminder, "carla")], h.Pager.Pages.Select(p => (p.Reason, p.UserId)));
    }

    [Fact]
    public async Task ChangeSeverity_StartsAndStopsReminders()
    {
        using var h = new IncidentHarness();
        var incident = await h.Engine.CreateAsync(new IncidentDraft { Title = "t", Severity = Severity.P3, Assignee = "ana" }, "ana", None);
        Assert.Null(incident.ReminderDueAt);
        var p1 = await h.Engine.ChangeSeverityAsync(incident.Id, Severity.P1, "ana", None);
        Assert.Equal((T0.AddMinutes(15), T0.AddMinutes(5)), (p1.ReminderDueAt, p1.ResponseDueAt));
        var p4 = await h.Engine.ChangeSeverityAsync(incident.Id, Severity.P4, "ana", None);
        Assert.Null(p4.ReminderDueAt);
        var ex = await Assert.ThrowsAsync<IncidentException>(() => h.Engine.ChangeSeverityAsync(incident.Id, Severity.P4, "ana", None));
        Assert.Equal("INC-1 is already P4", ex.Message);
    }

    static TheoryDataRow<string, Severity, TimeSpan, bool> BreachRow(string name, Severity severity, TimeSpan ackAfter, bool breached) =>
        new(name, severity, ackAfter, breached) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, Severity, TimeSpan, bool>> BreachCases =>
    [
        BreachRow("P1 acked in 4m59s", Severity.P1, TimeSpan.FromSeconds(299), false),
        BreachRow("P1 acked at exactly 5m", Severity.P1, TimeSpan.FromMinutes(5), true),
        BreachRow("P1 acked at 6m", Severity.P1, TimeSpan.FromMinutes(6), true),
        BreachRow("P2 acked at 14m", Severity.P2, TimeSpan.FromMinutes(14), false),
        BreachRow("P3 acked at 59m", Severity.P3, TimeSpan.FromMinutes(59), false),
        BreachRow("P3 acked at 61m", Severity.P3, TimeSpan.FromMinutes(61), true),
        BreachRow("P4 acked at 7h", Severity.P4, TimeSpan.FromHours(7), false),
    ];

    [Theory]
    [MemberData(nameof(BreachCases))]
    public async Task ResponseTarget_IsFlaggedWhenNotAcknowledgedInTime(string name, Severity severity, TimeSpan ackAfter, bool breached)
    {
        using var h = new IncidentHarness();
        var incident = await h.Engine.CreateAsync(new IncidentDraft { Title = "t", Severity = severity }, "ana", None);
        await h.AdvanceAsync(ackAfter);
        var acked = await h.Engine.AcknowledgeAsync(incident.Id, "ana", None);
        Assert.True(breached == acked.ResponseTargetBreached, name);
        Assert.Equal(breached ? 1 : 0, (await h.TimelineAsync(incident.Id)).Count(e => e.Kind == TimelineKind.ResponseTargetBreached));
    }

    [Fact]
    public async Task ResponseTarget_IsFlaggedByTheTimer_AtTheDueMillisecond()
    {
        using var h = new IncidentHarness();
        var incident = await h.Engine.CreateAsync(new IncidentDraft { Title = "t", Severity = Severity.P3 }, "ana", None);
        await h.AdvanceAsync(TimeSpan.FromHours(1) - Ms);
        Assert.False((await h.GetAsync(incident.Id)).ResponseTargetBreached);
        await h.AdvanceAsync(Ms);
        Assert.True((await h.GetAsync(incident.Id)).ResponseTargetBreached);
        var entries = await h.TimelineAsync(incident.Id);
        var entry = entries[^1];
        Assert.Equal((TimelineKind.ResponseTargetBreached, "response target breached: not acknowledged within 1h00m (P3)"), (entry.Kind, entry.Text));
    }

    [Fact]
    public async Task Lifecycle_RecordsTimeToMitigateAndResolve()
    {
        using var h = new IncidentHarness();
        var incident = await h.CreateP1Async();
        await h.AdvanceAsync(TimeSpan.FromMinutes(3));
        await h.Engine.AcknowledgeAsync(incident.Id, "ana", None);
        await h.AdvanceAsync(TimeSpan.FromMinutes(7));
        await h.Engine.MitigateAsync(incident.Id, "ana", None);
        await h.AdvanceAsync(TimeSpan.FromMinutes(20));
        var resolved = await h.Engine.ResolveAsync(incident.Id, "ana", None);
        Assert.Equal((TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30)), (resolved.TimeToAcknowledge!.Value, resolved.TimeToMitigate!.Value, resolved.TimeToResolve!.Value));
        var closed = await h.Engine.CloseAsync(incident.Id, "ana", None);
        Assert.Equal(IncidentStatus.Closed, closed.Status);
        Assert.Equal([IncidentStatus.Closed], (await h.Engine.ListAsync(new IncidentQuery(), None)).Select(i => i.Status));
        Assert.Empty(await h.Engine.ListAsync(new IncidentQuery(Severity: Severity.P2), None));
    }

    // ---- acknowledge links ----

    [Fact]
    public async Task AcknowledgeWithToken_AcknowledgesAsThePagedUser_AndASecondClickChangesNothing()
    {
        using var h = new IncidentHarness();
        var incident = await h.CreateP1Async();
        var token = h.Pager.Pages.Single().AckToken;
        Assert.Equal(T0.AddHours(24), h.Pager.Pages.Single().AckTokenExpiresAt);
        var acked = await h.Engine.AcknowledgeWithTokenAsync(token, None);
        Assert.Equal((IncidentStatus.Acknowledged, "ana"), (acked.Status, acked.AcknowledgedBy));
        var again = await h.Engine.AcknowledgeWithTokenAsync(token, None);
        Assert.Equal(acked.AcknowledgedAt, again.AcknowledgedAt);
        Assert.Single(await h.TimelineAsync(incident.Id), e => e.Kind == TimelineKind.Acknowledged);
    }

    [Fact]
    public async Task AcknowledgeWithToken_RefusesExpiredAndForgedTokens()
    {
        using var h = new IncidentHarness();
        await h.CreateP1Async();
        var token = h.Pager.Pages.Single().AckToken;
        var forged = AckTokens.Create(new byte[32], "INC-1", "mallory", T0.AddHours(1));
        Assert.Equal(IncidentError.InvalidToken, (await Assert.ThrowsAsync<IncidentException>(() => h.Engine.AcknowledgeWithTokenAsync(forged, None))).Error);
        await h.AdvanceAsync(TimeSpan.FromHours(24));
        var ex = await Assert.ThrowsAsync<IncidentException>(() => h.Engine.AcknowledgeWithTokenAsync(token, None));
        Assert.Equal(IncidentError.InvalidToken, ex.Error);
        Assert.Equal(IncidentStatus.Triggered, (await h.GetAsync("INC-1")).Status);
    }

    // ---- invalid operations ----

    static TheoryDataRow<string, string[], string, IncidentError, string> InvalidRow(string name, string[] before, string action, IncidentError error, string message) =>
        new(name, before, action, error, message) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string[], string, IncidentError, string>> InvalidCases =>
    [
        InvalidRow("acknowledge twice", ["ack"], "ack", IncidentError.InvalidTransition, "cannot acknowledge INC-1: it is acknowledged; only a triggered incident can be acknowledged"),
        InvalidRow("close while open", [], "close", IncidentError.InvalidTransition, "cannot close INC-1: it is triggered; resolve the incident before closing it"),
        InvalidRow("reopen while open", ["ack"], "reopen", IncidentError.InvalidTransition, "cannot reopen INC-1: it is acknowledged"),
        InvalidRow("mitigate after resolve", ["resolve"], "mitigate", IncidentError.InvalidTransition, "cannot mitigate INC-1: it is resolved"),
        InvalidRow("resolve twice", ["resolve"], "resolve", IncidentError.InvalidTransition, "cannot resolve INC-1: it is resolved"),
        InvalidRow("acknowledge resolved", ["resolve"], "ack", IncidentError.InvalidTransition, "cannot acknowledge INC-1: it is resolved"),
        InvalidRow("escalate resolved", ["resolve"], "escalate", IncidentError.InvalidTransition, "cannot escalate INC-1: it is resolved"),
        InvalidRow("reassign closed", ["resolve", "close"], "reassign", IncidentError.InvalidTransition, "cannot reassign INC-1: it is closed"),
        InvalidRow("note on closed is fine, status update is not", ["resolve", "close"], "status", IncidentError.InvalidTransition, "cannot post a status update to INC-1: it is closed"),
        InvalidRow("unknown incident", [], "ack-unknown", IncidentError.NotFound, "incident \"INC-99\" not found"),
        InvalidRow("empty actor", [], "ack-anonymous", IncidentError.Invalid, "every incident action needs an actor"),
        InvalidRow("hostile user id", [], "reassign-hostile", IncidentError.Invalid, "is not a valid user id"),
    ];

    static Task<Incident> Do(IncidentEngine e, string action) => action switch
    {
        "ack" => e.AcknowledgeAsync("INC-1", "ana", None),
        "close" => e.CloseAsync("INC-1", "ana", None),
        "reopen" => e.ReopenAsync("INC-1", "ana", None),
        "mitigate" => e.MitigateAsync("INC-1", "ana", None),
        "resolve" => e.ResolveAsync("INC-1", "ana", None),
        "escalate" => e.EscalateNowAsync("INC-1", "ana", None),
        "reassign" => e.ReassignAsync("INC-1", "luis", "ana", None),
        "status" => e.PostStatusUpdateAsync("INC-1", "update", "ana", None),
        "ack-unknown" => e.AcknowledgeAsync("INC-99", "ana", None),
        "ack-anonymous" => e.AcknowledgeAsync("INC-1", " ", None),
        "reassign-hostile" => e.ReassignAsync("INC-1", "../../etc/passwd", "ana", None),
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public async Task Actions_FailWithAClearError_WhenInvalid(string name, string[] before, string action, IncidentError error, string message)
    {
        using var h = new IncidentHarness();
        await h.CreateP1Async();
        foreach (var b in before)
        {
            await Do(h.Engine, b);
        }
        var ex = await Assert.ThrowsAsync<IncidentException>(() => Do(h.Engine, action));
        Assert.Equal(error, ex.Error);
        Assert.True(ex.Message.Contains(message, StringComparison.Ordinal), $"{name}: {ex.Message}");
    }

    [Fact]
    public async Task Create_RefusesAnUnknownEscalationPolicyAndAnEmptyTitle()
    {
        using var h = new IncidentHarness();
        var ex = await Assert.ThrowsAsync<IncidentException>(() => h.Engine.CreateAsync(new IncidentDraft { Title = "t", EscalationPolicy = "nope" }, "ana", None));
        Assert.Contains("escalation policy \"nope\" is not defined", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<IncidentException>(() => h.Engine.CreateAsync(new IncidentDraft { Title = " " }, "ana", None));
        await Assert.ThrowsAsync<IncidentException>(() => h.Engine.CreateAsync(new IncidentDraft { Title = "t", Severity = (Severity)9 }, "ana", None));
    }

    // ---- robustness ----

    [Fact]
    public async Task Reconfigure_WithoutThePolicy_StopsEscalationAtTheNextStep()
    {
        using var h = new IncidentHarness();
        var incident = await h.CreateP1Async();
        h.Engine.Reconfigure(IncidentConfig.Empty);
        await h.AdvanceAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(["ana"], h.Pager.Users());
        var after = await h.GetAsync(incident.Id);
        Assert.Null(after.Escalation.NextDueAt);
        Assert.Contains(await h.TimelineAsync(incident.Id), e => e.Kind == TimelineKind.EscalationStopped && e.Text == "escalation stopped: escalation policy \"tiendi-default\" is no longer defined");
    }

    [Fact]
    public async Task RecordEvent_PutsNotificationsOnTheGroupsIncident()
    {
        using var h = new IncidentHarness();
        await h.ObserveAsync(Group("g", Alert("X", "critical", T0)));
        var incident = await h.Engine.GetByGroupAsync("g", None);
        Assert.NotNull(incident);
        Assert.Null(await h.Engine.GetByGroupAsync("nope", None));
        await h.Engine.RecordEventAsync(incident.Id, TimelineKind.NotificationSent, "notified slack-critical", new Dictionary<string, string> { ["receiver"] = "slack-critical" }, Actors.System, None);
        var entries = await h.TimelineAsync(incident.Id);
        Assert.Equal(("notified slack-critical", "slack-critical"), (entries[^1].Text, entries[^1].Data["receiver"]));
    }

    [Fact]
    public async Task ObserveGroup_AttachesEachFingerprintOnce_WhenAnObservationRepeatsIt()
    {
        using var h = new IncidentHarness();
        var a = Alert("X", "critical", T0);
        var incident = await h.ObserveAsync(Group("g", a, a, a));
        Assert.Equal([a.Fingerprint], incident!.Alerts);
        await h.ObserveAsync(Group("g", a));
        Assert.Single(await h.TimelineAsync(incident.Id), e => e.Kind == TimelineKind.AlertAttached);
    }

    [Fact]
    public async Task TimerStep_IsRetried_WhenTheStoreFails()
    {
        var store = new InMemoryIncidentStore();
        using var h = new IncidentHarness(store: store);
        await h.CreateP1Async();
        store.FailSaves = true;
        await h.AdvanceAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(["ana"], h.Pager.Users());
        Assert.IsType<IOException>(h.Engine.LastBackgroundError);
        store.FailSaves = false;
        await h.AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["ana", "luis"], h.Pager.Users());
        await h.AdvanceAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(["ana", "luis"], h.Pager.Users());
    }

    [Fact]
    public async Task Restart_FromTheSameStore_ContinuesEscalationWithoutDuplicates()
    {
        var store = new InMemoryIncidentStore();
        var time = new FakeTimeProviderAt(T0);
        using (var a = new IncidentHarness(store: store, time: time.Provider))
        {
            await a.CreateP1Async();
            Assert.Equal(["ana"], a.Pager.Users());
        }
        var later = new FakeTimeProviderAt(T0.AddMinutes(7));
        using var b = new IncidentHarness(store: store, time: later.Provider);
        await b.Engine.IdleAsync();
        Assert.Equal(["luis"], b.Pager.Users());
        await b.AdvanceAsync(TimeSpan.FromMinutes(10) - Ms);
        Assert.Equal(["luis"], b.Pager.Users());
        await b.AdvanceAsync(Ms);
        Assert.Equal(["luis", "carla"], b.Pager.Users());
        Assert.Equal(["INC-1/c0/r0/l0/ana", "INC-1/c0/r0/l1/luis", "INC-1/c0/r0/l2/carla"], store.AllPages().Where(p => p.Reason != PageReason.Reminder).Select(p => p.Id));
        Assert.All(store.AllPages(), p => Assert.Equal(PageState.Sent, p.State));
    }

    [Fact]
    public async Task TenThousandOpenIncidents_EscalateInOneTick()
    {
        var store = new InMemoryIncidentStore();
        using var h = new IncidentHarness(store: store);
        const int N = 10_000;
        for (var i = 0; i < N; i++)
        {
            await h.Engine.ObserveGroupAsync(Group("g" + i, Alert("A" + i, "critical", T0)), None);
        }
        await h.Engine.IdleAsync();
        Assert.Equal(N, h.Engine.OpenCount);
        Assert.Equal(N, h.Pager.Pages.Count);
        for (var i = 1; i <= N; i += 2)
        {
            await h.Engine.AcknowledgeAsync(Incident.IdFor(i), "ana", None);
        }
        var saves = store.Saves;
        await h.AdvanceAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(N + (N / 2), h.Pager.Users().Length);
        Assert.Equal(N / 2, h.Pager.Pages.Count(p => p.UserId == "luis" && p.Reason == PageReason.Escalation));
        Assert.True(store.Saves - saves < 100, $"{store.Saves - saves} saves for one tick");
        await h.AdvanceAsync(TimeSpan.FromMinutes(10));
        Assert.Equal(N / 2, h.Pager.Pages.Count(p => p.UserId == "carla" && p.Reason == PageReason.Escalation));
        Assert.Equal(h.Pager.Pages.Count, h.Pager.Pages.Select(p => p.Id).Distinct().Count());
    }
}

/// <summary>A fake clock at a given instant.</summary>
public sealed class FakeTimeProviderAt(DateTimeOffset start)
{
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Provider { get; } = new(start);
}
