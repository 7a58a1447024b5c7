using Guardia.Core.Incidents;

namespace Guardia.Core.Tests.Incidents;

public sealed class PageMessagesTests
{
    static readonly Incident Sample = new() { Id = "INC-7", Number = 7, Title = "checkout down", Severity = Severity.P1 };

    static TheoryDataRow<string, PageReason, string?, string> Row(string name, PageReason reason, string? language, string text) =>
        new(name, reason, language, text) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, PageReason, string?, string>> Cases =>
    [
        Row("escalation in English", PageReason.Escalation, "en", "[P1] INC-7 checkout down — you are paged as L2 team lead; acknowledge to stop the escalation."),
        Row("escalation in Spanish", PageReason.EscalateNow, "es-PE", "[P1] INC-7 checkout down — te llamamos como L2 team lead; confirma (acknowledge) para detener la escalada."),
        Row("reassigned, no language", PageReason.Reassigned, null, "[P1] INC-7 checkout down — the incident is now assigned to you."),
        Row("responder in Spanish", PageReason.Responder, "ES", "[P1] INC-7 checkout down — te sumaron al equipo de respuesta."),
        Row("reminder in Spanish", PageReason.Reminder, "es", "[P1] INC-7 checkout down — toca publicar una actualización de estado; publícala en Guardia."),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Text_IsBilingual(string name, PageReason reason, string? language, string text)
    {
        var page = new Page("p", Sample, 1, "L2 team lead", "luis", "token", default, reason);
        Assert.True(text == PageMessages.Text(page, language), name);
    }
}
