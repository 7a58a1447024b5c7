using System.Globalization;
using Guardia.Core.Incidents;
using Guardia.Core.OnCall;

namespace Guardia.Core.Tests.OnCall;

public sealed class HandoffReportTests
{
    static readonly TimeZoneInfo Lima = TimeZoneInfo.FindSystemTimeZoneById("America/Lima");
    static readonly TimeZoneInfo Madrid = TimeZoneInfo.FindSystemTimeZoneById("Europe/Madrid");

    static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    static HandoffFacts Facts(int opened = 1, int open = 2, int firing = 5, string? outgoing = "ana", string? incoming = "luis") => new(
        "platform-weekly",
        "Plataforma semanal",
        new Handoff(Utc("2026-11-30T14:00:00Z"), "primary", outgoing, incoming),
        Utc("2026-11-23T14:00:00Z"),
        Utc("2026-12-07T14:00:00Z"),
        [.. Enumerable.Range(1, opened).Select(i => new HandoffIncident($"INC-{i}", Severity.P2, $"Checkout lento {i}", IncidentStatus.Resolved))],
        [.. Enumerable.Range(10, open).Select(i => new HandoffIncident($"INC-{i}", Severity.P1, $"Pagos caídos {i}", IncidentStatus.Acknowledged))],
        firing,
        firing == 0 ? [] : [new FiringAlertName("DiskFull", 3), new FiringAlertName("HighLatency", 2)]);

    public static IEnumerable<TheoryDataRow<string, HandoffRole, string, string, string[]>> Cases =>
    [
        new("incoming in English", HandoffRole.Incoming, "en",
            "Handoff Plataforma semanal/primary: 2 open incidents, 5 alerts firing",
            ["You are on call for Plataforma semanal/primary from 2026-11-30 09:00, taking over from ana.", "Your shift ends: 2026-12-07 09:00",
             "Shift: 2026-11-23 09:00 → 2026-11-30 09:00", "Incidents during the shift: 1", "- INC-1 [P2] resolved: Checkout lento 1",
             "Incidents still open: 2", "- INC-10 [P1] acknowledged: Pagos caídos 10", "Alerts firing: 5", "- DiskFull ×3", "- HighLatency ×2"]),
        new("outgoing in English", HandoffRole.Outgoing, "en-US",
            "Handoff Plataforma semanal/primary: 2 open incidents, 5 alerts firing",
            ["Your on-call shift for Plataforma semanal/primary ended at 2026-11-30 09:00; luis takes over."]),
        new("incoming in Spanish", HandoffRole.Incoming, "es",
            "Relevo Plataforma semanal/primary: 2 incidentes abiertos, 5 alertas activas",
            ["Entras de guardia en Plataforma semanal/primary a las 2026-11-30 09:00; relevas a ana.", "Tu turno termina: 2026-12-07 09:00",
             "Turno saliente: 2026-11-23 09:00 → 2026-11-30 09:00", "Incidentes durante el turno: 1", "- INC-1 [P2] resuelto: Checkout lento 1",
             "Incidentes aún abiertos: 2", "- INC-11 [P1] confirmado: Pagos caídos 11", "Alertas activas: 5"]),
        new("outgoing in Spanish (es-PE)", HandoffRole.Outgoing, "es-PE",
            "Relevo Plataforma semanal/primary: 2 incidentes abiertos, 5 alertas activas",
            ["Tu guardia en Plataforma semanal/primary terminó a las 2026-11-30 09:00; te releva luis."]),
        new("unknown locale falls back to English", HandoffRole.Outgoing, "fr",
            "Handoff Plataforma semanal/primary: 2 open incidents, 5 alerts firing",
            ["ended at 2026-11-30 09:00"]),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Build_WritesSubjectAndText_InTheRecipientsLanguageAndRole(string name, HandoffRole role, string locale, string subject, string[] lines)
    {
        var report = HandoffReport.Build(Facts(), role, locale, Lima);
        Assert.Equal(subject, report.Subject);
        foreach (var line in lines)
        {
            Assert.True(report.Text.Contains(line, StringComparison.Ordinal), $"{name}: missing \"{line}\" in\n{report.Text}");
        }
    }

    [Fact]
    public void Build_OmitsTheShiftEnd_ForTheOutgoingPerson()
    {
        var report = HandoffReport.Build(Facts(), HandoffRole.Outgoing, "en", Lima);
        Assert.DoesNotContain("Your shift ends", report.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ShowsTimesInTheRecipientsZone()
    {
        var report = HandoffReport.Build(Facts(), HandoffRole.Incoming, "es", Madrid);
        Assert.Contains("a las 2026-11-30 15:00", report.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SaysNobody_WhenALayerHadOrWillHaveNobody()
    {
        Assert.Contains("taking over from nobody", HandoffReport.Build(Facts(outgoing: null), HandoffRole.Incoming, "en", Lima).Text, StringComparison.Ordinal);
        Assert.Contains("te releva nadie", HandoffReport.Build(Facts(incoming: null), HandoffRole.Outgoing, "es", Lima).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UsesSingulars_AndZeroes()
    {
        var report = HandoffReport.Build(Facts(opened: 0, open: 1, firing: 1), HandoffRole.Incoming, "en", Lima);
        Assert.Equal("Handoff Plataforma semanal/primary: 1 open incident, 1 alert firing", report.Subject);
        Assert.Contains("Incidents during the shift: 0", report.Text, StringComparison.Ordinal);
        var none = HandoffReport.Build(Facts(opened: 0, open: 0, firing: 0), HandoffRole.Incoming, "es", Lima);
        Assert.Equal("Relevo Plataforma semanal/primary: 0 incidentes abiertos, 0 alertas activas", none.Subject);
    }

    [Theory]
    [InlineData("en", "- and 3 more")]
    [InlineData("es", "- y 3 más")]
    public void Build_ListsAtMostFiveIncidents_AndCountsTheRest(string locale, string more)
    {
        var report = HandoffReport.Build(Facts(open: 8), HandoffRole.Incoming, locale, Lima);
        Assert.Contains("INC-14", report.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("INC-15", report.Text, StringComparison.Ordinal);
        Assert.Contains(more, report.Text, StringComparison.Ordinal);
        // Short enough for a phone: one line per item, no line longer than a subject plus a title.
        Assert.All(report.Text.Split('\n'), l => Assert.True(l.Length <= 100, l));
    }

    public static IEnumerable<TheoryDataRow<string, string[], string[]>> TopNames =>
    [
        new("most frequent first", ["A", "B", "B", "C", "C", "C"], ["C=3", "B=2", "A=1"]),
        new("ties in name order", ["b", "a", "c", "d"], ["a=1", "b=1", "c=1"]),
        new("unnamed alerts grouped", ["", "", "X"], ["(unnamed)=2", "X=1"]),
        new("none", [], []),
    ];

    [Theory]
    [MemberData(nameof(TopNames))]
    public void TopAlertNames_KeepsTheThreeMostFrequent(string name, string[] names, string[] expected)
    {
        var top = HandoffReport.TopAlertNames(names).Select(a => $"{a.Name}={a.Count}").ToArray();
        Assert.True(expected.SequenceEqual(top), $"{name}: {string.Join(", ", top)}");
    }
}
