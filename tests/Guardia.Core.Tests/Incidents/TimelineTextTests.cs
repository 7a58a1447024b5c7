using Guardia.Core.Incidents;
using Guardia.Core.Runbooks;
using static Guardia.Core.Tests.Incidents.IncidentHarness;

namespace Guardia.Core.Tests.Incidents;

public sealed class TimelineTextTests
{
    static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task EveryEntryTheEngineWrites_ReadsInSpanish_AndStaysEnglishOtherwise()
    {
        using var h = new IncidentHarness();
        h.Pager.FailFor.Add("luis");
        var opened = await h.ObserveAsync(Group("{}:{alertname=\"CheckoutErrors\"}", Alert("CheckoutErrors", "critical", T0)));
        var id = opened!.Id;
        await h.AdvanceAsync(TimeSpan.FromMinutes(5));
        await h.AdvanceAsync(TimeSpan.FromMinutes(10));
        await h.Engine.AcknowledgeWithTokenAsync(h.Pager.Pages.First(p => p.UserId == "carla").AckToken, None);
        await h.Engine.ReassignAsync(id, "marta", "carla", None);
        await h.Engine.AddResponderAsync(id, "ana", "carla", None);
        await h.Engine.SetRoleAsync(id, IncidentRole.Commander, "carla", "carla", None);
        await h.Engine.SetRoleAsync(id, IncidentRole.Commander, null, "carla", None);
        await h.Engine.ChangeSeverityAsync(id, Severity.P2, "carla", None);
        await h.Engine.AddNoteAsync(id, "rollback del deploy 4711", "carla", None);
        await h.Engine.MitigateAsync(id, "carla", None);
        await h.Engine.ResolveAsync(id, "carla", None);
        await h.Engine.CloseAsync(id, "carla", None);
        await h.Engine.ReopenAsync(id, "carla", None);
        await h.Engine.IdleAsync();

        var timeline = await h.TimelineAsync(id);
        foreach (var e in timeline)
        {
            Assert.Equal(e.Text, TimelineText.Localize(e, "en"));
            Assert.Equal(e.Text, TimelineText.Localize(e, null));
            if (e.Kind is not (TimelineKind.Note or TimelineKind.StatusUpdate))
            {
                Assert.NotEqual(e.Text, TimelineText.Localize(e, "es"));
            }
        }
        var spanish = timeline.Select(e => TimelineText.Localize(e, "es-PE")).ToList();
        Assert.Equal(
        [
            "abierto por la política de incidentes critical-pages para el grupo {}:{alertname=\"CheckoutErrors\"} (receptor pagerduty-critical) como P1",
            "aviso a L1 on-call engineer: avisando a ana",
            $"alerta asociada: CheckoutErrors {timeline[2].Data["fingerprint"]}",
            "aviso entregado a ana (L1 on-call engineer)",
            "objetivo de respuesta incumplido: sin reconocer en 5m00s (P1)",
            "escalado a L2 team lead: avisando a luis",
            "aviso a luis (L2 team lead) falló: sms gateway said no",
            "escalado a L3 engineering manager: avisando a carla",
            "aviso entregado a carla (L3 engineering manager)",
            "reconocido por carla (enlace del aviso) tras 15m00s",
            "reasignado de carla a marta",
            "aviso entregado a marta (reasignación)",
            "ana añadido como respondedor",
            "aviso entregado a ana (respondedor)",
            "carla es comandante del incidente",
            "comandante del incidente: sin asignar",
            "severidad cambiada de P1 a P2",
            "rollback del deploy 4711",
            "mitigado por carla",
            "resuelto por carla",
            "cerrado por carla",
            "reabierto por carla",
            "aviso a L1 on-call engineer: avisando a ana",
            "aviso entregado a ana (L1 on-call engineer)",
        ], spanish.Where(s => !s.StartsWith("actualización de estado", StringComparison.Ordinal) && !s.StartsWith("recordatorio", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Reminders_ManualOpening_EscalateNow_AutoResolve_ReadInSpanish()
    {
        using var h = new IncidentHarness();
        var manual = await h.CreateP1Async();
        await h.Engine.EscalateNowAsync(manual.Id, "ana", None);
        await h.AdvanceAsync(IncidentSettings.Default.StatusUpdateInterval);
        var manualTimeline = (await h.TimelineAsync(manual.Id)).Select(e => TimelineText.Localize(e, "es")).ToList();
        Assert.Equal("abierto manualmente por ana como P1", manualTimeline[0]);
        Assert.Contains("escalado ahora por ana a L2 team lead: avisando a luis", manualTimeline);
        Assert.Contains("escalado a L3 engineering manager: avisando a carla", manualTimeline);
        Assert.Contains($"actualización de estado pendiente (P1, cada {TimelineText.Duration(IncidentSettings.Default.StatusUpdateInterval)}): se lo recuerda a carla", manualTimeline);
        Assert.Contains("recordatorio de actualización de estado entregado a carla (actualización de estado)", manualTimeline);

        var key = "{}:{alertname=\"Lag\"}";
        await h.ObserveAsync(Group(key, Alert("Lag", "critical", h.Time.GetUtcNow())));
        var resolved = await h.ObserveAsync(Group(key, Alert("Lag", "critical", T0, endsAt: h.Time.GetUtcNow())));
        var last = (await h.TimelineAsync(resolved!.Id))[^1];
        Assert.Equal(("resolved automatically: every alert of the group resolved", "resuelto automáticamente: todas las alertas del grupo se resolvieron"),
            (last.Text, TimelineText.Localize(last, "es")));
    }

    public static TheoryData<string, TimelineKind, string, string, string> Variants => new()
    {
        { "policy gone", TimelineKind.EscalationStopped, "cause=policy_missing|escalation_policy=tiendi",
            "escalation stopped: escalation policy \"tiendi\" is no longer defined", "escalado detenido: la política de escalado \"tiendi\" ya no está definida" },
        { "levels exhausted", TimelineKind.EscalationStopped, "cause=exhausted|escalation_policy=tiendi|last_level=L4 CTO|repeats=2",
            "escalation stopped: nobody acknowledged after the last level (L4 CTO) and 2 repeat(s)", "escalado detenido: nadie reconoció tras el último nivel (L4 CTO) y 2 repetición(es)" },
        { "no repeats", TimelineKind.EscalationStopped, "cause=exhausted|escalation_policy=tiendi|last_level=L4 CTO|repeats=0",
            "escalation stopped: nobody acknowledged after the last level (L4 CTO)", "escalado detenido: nadie reconoció tras el último nivel (L4 CTO)" },
        { "target unresolved", TimelineKind.PageFailed, "cause=unresolved|target=schedule:night|level_name=L1|error=no layers",
            "cannot resolve schedule:night of L1: no layers", "no se puede resolver schedule:night de L1: no layers" },
        { "page not sent", TimelineKind.PageFailed, "cause=not_sent|user=ana|level_name=L1|reason=Escalation|page=p|level=0",
            "page to ana (L1) not sent: the incident is no longer open", "aviso a ana (L1) no enviado: el incidente ya no está abierto" },
        { "reminder failed", TimelineKind.PageFailed, "cause=delivery|user=ana|level_name=L1|reason=Reminder|page=p|level=0|error=timeout",
            "status update reminder to ana (L1) failed: timeout", "recordatorio de actualización de estado a ana (L1) falló: timeout" },
        { "nobody to page", TimelineKind.Escalated, "level=1|level_name=L2|repeat=1|users=|reason=Escalation|targets=schedule:empty, team:ghosts",
            "escalated to L2 (repeat 1): nobody to page (schedule:empty, team:ghosts resolved to no one)",
            "escalado a L2 (repetición 1): nadie a quien avisar (schedule:empty, team:ghosts no corresponde a nadie)" },
        { "nobody to remind", TimelineKind.Reminder, "reminder=3|users=|severity=P2|interval_ms=900000",
            "status update due (P2, every 15m00s): nobody to remind", "actualización de estado pendiente (P2, cada 15m00s): nadie a quien recordarlo" },
        { "first assignment", TimelineKind.Reassigned, "from=|to=marta", "assigned to marta", "asignado a marta" },
        { "notification", TimelineKind.NotificationSent, "receiver=slack-critical|integration=slack[0]",
            "notification sent to slack-critical by slack[0]", "notificación enviada a slack-critical por slack[0]" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Variant_RendersInBothLanguages(string name, TimelineKind kind, string data, string english, string spanish)
    {
        var d = Parse(data);
        Assert.Equal(english, TimelineText.English(kind, "system", d));
        Assert.Equal(spanish, TimelineText.Localize(new TimelineEntry("INC-1", T0, "system", kind, english, d), "es"));
        Assert.NotEmpty(name);
    }

    public static TheoryData<string, string, string, string> RunbookEvents => new()
    {
        { "event=runbook.run_started|run=r1|requested_by=system|steps=3", "system",
            "runbook kafka-lag run r1 started by system (3 steps)", "runbook kafka-lag: ejecución r1 iniciada por system (3 pasos)" },
        { "event=runbook.step_started|run=r1|step=check|attempt=1", "ana", "runbook kafka-lag step check started", "runbook kafka-lag: paso check iniciado" },
        { "event=runbook.step_started|run=r1|step=check|attempt=2", "ana", "runbook kafka-lag step check started (attempt 2)", "runbook kafka-lag: paso check iniciado (intento 2)" },
        { "event=runbook.step_finished|run=r1|step=check|outcome=succeeded|exit_code=0|duration_ms=120", "ana",
            "runbook kafka-lag step check succeeded (exit 0, 120 ms)", "runbook kafka-lag: paso check correcto (código de salida 0, 120 ms)" },
        { "event=runbook.step_finished|run=r1|step=query|outcome=timed out|duration_ms=30000|error=no answer", "ana",
            "runbook kafka-lag step query timed out (30000 ms, no answer)", "runbook kafka-lag: paso query sin terminar a tiempo (30000 ms, no answer)" },
        { "event=runbook.step_skipped|run=r1|step=scale|reason=when: false", "ana", "runbook kafka-lag step scale skipped: when: false", "runbook kafka-lag: paso scale omitido: when: false" },
        { "event=runbook.approval_requested|run=r1|step=drop|required=2|requested_by=ana", "ana",
            "runbook kafka-lag step drop waits for 2 distinct approvals (not by ana)", "runbook kafka-lag: el paso drop espera 2 aprobaciones de personas distintas (no de ana)" },
        { "event=runbook.approval_requested|run=r1|step=drop|required=1|requested_by=ana", "ana",
            "runbook kafka-lag step drop waits for one approval (not by ana)", "runbook kafka-lag: el paso drop espera una aprobación (no de ana)" },
        { "event=runbook.approval_granted|run=r1|step=drop", "bob", "runbook kafka-lag step drop approved by bob", "runbook kafka-lag: paso drop aprobado por bob" },
        { "event=runbook.confirmation_requested|run=r1|step=tell|title=Avisar a soporte", "ana",
            "runbook kafka-lag step tell waits for a person to confirm: Avisar a soporte", "runbook kafka-lag: el paso tell espera que una persona confirme: Avisar a soporte" },
        { "event=runbook.validation_retry|run=r1|attempt=2|next_at=2026-11-23T09:10:00.0000000+00:00", "ana",
            "runbook kafka-lag validation attempt 2 did not pass; next at 2026-11-23T09:10:00.0000000+00:00",
            "runbook kafka-lag: el intento de validación 2 no pasó; el siguiente, a las 2026-11-23T09:10:00.0000000+00:00" },
        { "event=runbook.validated|run=r1", "ana", "runbook kafka-lag validation passed", "runbook kafka-lag: validación superada" },
        { "event=runbook.run_finished|run=r1|status=failed|error=step check failed", "ana",
            "runbook kafka-lag run r1 failed: step check failed", "runbook kafka-lag: ejecución r1 fallida: step check failed" },
        { "event=runbook.run_resumed|run=r1", "system", "runbook kafka-lag run r1 resumed after a restart", "runbook kafka-lag: ejecución r1 retomada tras un reinicio" },
        { "event=runbook.run_resumed|run=r1|refusal=the runbook changed", "system",
            "runbook kafka-lag run r1 cannot resume after a restart: the runbook changed", "runbook kafka-lag: la ejecución r1 no puede retomarse tras un reinicio: the runbook changed" },
        { "event=runbook.linked|title=Lag de Kafka", "system", "runbook kafka-lag linked: Lag de Kafka", "runbook kafka-lag asociado: Lag de Kafka" },
    };

    [Theory]
    [MemberData(nameof(RunbookEvents))]
    public void RunbookEvent_IsANoteThatReadsInBothLanguages(string data, string actor, string english, string spanish)
    {
        var d = Parse("runbook=kafka-lag|" + data);
        Assert.Equal(english, RunbookTimelineText.English(d, actor));
        var entry = new TimelineEntry("INC-1", T0, actor, TimelineKind.Note, english, d);
        Assert.Equal(spanish, TimelineText.Localize(entry, "es"));
        Assert.Equal(english, TimelineText.Localize(entry, "en"));
    }

    [Fact]
    public void RunbookEvent_WithoutWhatItNeeds_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => RunbookTimelineText.English(Parse("runbook=kafka-lag|event=runbook.step_finished|step=check"), "ana"));
        Assert.Throws<ArgumentException>(() => RunbookTimelineText.English(Parse("runbook=kafka-lag|event=runbook.unknown"), "ana"));
        Assert.Null(RunbookTimelineText.Render(Parse("event=runbook.validated"), "ana", spanish: true));
    }

    public static TheoryData<string, TimelineKind, string> Unrenderable => new()
    {
        { "older entry without a cause", TimelineKind.EscalationStopped, "escalation_policy=tiendi" },
        { "ack without its duration", TimelineKind.Acknowledged, "" },
        { "page without a user", TimelineKind.PageDelivered, "level_name=L1|reason=Escalation" },
        { "unknown role", TimelineKind.RoleSet, "role=Janitor|user=ana" },
        { "note", TimelineKind.Note, "" },
        { "status update", TimelineKind.StatusUpdate, "" },
        { "runbook note with data", TimelineKind.Note, "runbook=kafka-lag" },
        { "unknown kind", (TimelineKind)99, "" },
    };

    [Theory]
    [MemberData(nameof(Unrenderable))]
    public void WithoutWhatTheSentenceNeeds_TheStoredTextIsKept(string name, TimelineKind kind, string data)
    {
        var entry = new TimelineEntry("INC-1", T0, "ana", kind, "stored words of " + name, Parse(data));
        Assert.Equal(entry.Text, TimelineText.Localize(entry, "es"));
        if (kind is not (TimelineKind.Note or TimelineKind.StatusUpdate))
        {
            Assert.Throws<ArgumentException>(() => TimelineText.English(kind, "ana", entry.Data));
        }
    }

    [Theory]
    [InlineData("es", true)]
    [InlineData("ES", true)]
    [InlineData("es-PE", true)]
    [InlineData("es_PE.UTF-8", true)]
    [InlineData("es,en;q=0.5", true)]
    [InlineData("en", false)]
    [InlineData("en-US", false)]
    [InlineData("est", false)]
    [InlineData("C.UTF-8", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsSpanish(string? language, bool expected) => Assert.Equal(expected, TimelineText.IsSpanish(language));

    [Theory]
    [InlineData(4_500, "4.5s")]
    [InlineData(125_000, "2m05s")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(-1_000, "0s")]
    public void Duration(long ms, string expected) => Assert.Equal(expected, TimelineText.Duration(TimeSpan.FromMilliseconds(ms)));

    static Dictionary<string, string> Parse(string data) =>
        data.Length == 0
            ? new(StringComparer.Ordinal)
            : data.Split('|').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
