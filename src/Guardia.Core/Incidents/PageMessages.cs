namespace Guardia.Core.Incidents;

/// <summary>The default one-line text of a page for the person paged, in English or Spanish; notifiers add the acknowledge link.</summary>
public static class PageMessages
{
    /// <summary>The text of <paramref name="page"/> in <paramref name="language"/> (<c>es</c>, <c>es-PE</c>... for Spanish, anything else for English).</summary>
    public static string Text(Page page, string? language)
    {
        ArgumentNullException.ThrowIfNull(page);
        var spanish = language is not null && language.StartsWith("es", StringComparison.OrdinalIgnoreCase);
        var head = $"[{page.Incident.Severity}] {page.Incident.Id} {page.Incident.Title}";
        var what = (page.Reason, spanish) switch
        {
            (PageReason.Escalation or PageReason.EscalateNow, false) => $"you are paged as {page.LevelName}; acknowledge to stop the escalation.",
            (PageReason.Escalation or PageReason.EscalateNow, true) => $"te llamamos como {page.LevelName}; confirma (acknowledge) para detener la escalada.",
            (PageReason.Reassigned, false) => "the incident is now assigned to you.",
            (PageReason.Reassigned, true) => "el incidente ahora está asignado a ti.",
            (PageReason.Responder, false) => "you were added to the response.",
            (PageReason.Responder, true) => "te sumaron al equipo de respuesta.",
            (_, false) => "a status update is due; post one in Guardia.",
            (_, true) => "toca publicar una actualización de estado; publícala en Guardia.",
        };
        return head + " — " + what;
    }
}
