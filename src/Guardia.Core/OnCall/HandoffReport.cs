using System.Globalization;
using System.Text;
using Guardia.Core.Incidents;

namespace Guardia.Core.OnCall;

/// <summary>Who a handoff report is written for: the person going off call or the person coming on call.</summary>
public enum HandoffRole
{
    /// <summary>The person whose shift just ended.</summary>
    Outgoing,

    /// <summary>The person whose shift just began.</summary>
    Incoming,
}

/// <summary>An incident as a handoff report lists it.</summary>
/// <param name="Id">The incident id, such as <c>INC-12</c>.</param>
/// <param name="Severity">The severity.</param>
/// <param name="Title">The title.</param>
/// <param name="Status">The lifecycle status at the handoff.</param>
public sealed record HandoffIncident(string Id, Severity Severity, string Title, IncidentStatus Status)
{
    /// <summary>Takes the fields a report shows from <paramref name="incident"/>.</summary>
    public static HandoffIncident From(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return new(incident.Id, incident.Severity, incident.Title, incident.Status);
    }
}

/// <summary>An alert name still firing at the handoff and how many alerts carry it.</summary>
/// <param name="Name">The <c>alertname</c> label.</param>
/// <param name="Count">How many firing alerts have that name.</param>
public sealed record FiringAlertName(string Name, int Count);

/// <summary>Everything one handoff report says: the handoff, the shift that ended, the incidents and the firing alerts.</summary>
/// <param name="ScheduleId">The schedule's id.</param>
/// <param name="ScheduleName">The schedule's display name.</param>
/// <param name="Handoff">The change of the layer's user.</param>
/// <param name="ShiftStart">When the shift that ends at the handoff began.</param>
/// <param name="NextHandoff">When the incoming shift ends; null when the layer never changes again.</param>
/// <param name="OpenedDuringShift">Incidents opened between <paramref name="ShiftStart"/> and the handoff.</param>
/// <param name="StillOpen">Incidents open at the handoff.</param>
/// <param name="FiringAlerts">How many alerts are firing at the handoff.</param>
/// <param name="TopAlerts">The most frequent alert names among the firing alerts, most frequent first.</param>
public sealed record HandoffFacts(
    string ScheduleId,
    string ScheduleName,
    Handoff Handoff,
    DateTimeOffset ShiftStart,
    DateTimeOffset? NextHandoff,
    IReadOnlyList<HandoffIncident> OpenedDuringShift,
    IReadOnlyList<HandoffIncident> StillOpen,
    int FiringAlerts,
    IReadOnlyList<FiringAlertName> TopAlerts);

/// <summary>The handoff report one person receives, in their language: a one-line subject and a short text readable on a phone.</summary>
/// <param name="Subject">One line, such as <c>Handoff Platform weekly/primary: 2 open incidents, 5 alerts firing</c>.</param>
/// <param name="Text">The body as plain text.</param>
public sealed record HandoffReport(string Subject, string Text)
{
    /// <summary>How many incidents of each list the text shows before summarising the rest.</summary>
    public const int MaxIncidentsListed = 5;

    /// <summary>How many alert names <see cref="TopAlertNames"/> keeps.</summary>
    public const int MaxAlertNames = 3;

    /// <summary>Writes the report for the person in <paramref name="role"/>, in <paramref name="locale"/> (<c>es</c>
    /// gives Spanish, anything else English), with times in <paramref name="zone"/>.</summary>
    public static HandoffReport Build(HandoffFacts facts, HandoffRole role, string locale, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(locale);
        ArgumentNullException.ThrowIfNull(zone);
        var es = locale.StartsWith("es", StringComparison.OrdinalIgnoreCase);
        var h = facts.Handoff;
        var where = $"{facts.ScheduleName}/{h.Layer}";
        var open = facts.StillOpen.Count;
        var subject = es
            ? $"Relevo {where}: {Plural(open, "incidente abierto", "incidentes abiertos")}, {Plural(facts.FiringAlerts, "alerta activa", "alertas activas")}"
            : $"Handoff {where}: {Plural(open, "open incident", "open incidents")}, {Plural(facts.FiringAlerts, "alert firing", "alerts firing")}";

        var text = new StringBuilder();
        var at = Time(h.At, zone);
        var outgoing = h.Outgoing ?? (es ? "nadie" : "nobody");
        var incoming = h.Incoming ?? (es ? "nadie" : "nobody");
        text.Append(role == HandoffRole.Incoming
            ? (es ? $"Entras de guardia en {where} a las {at}; relevas a {outgoing}." : $"You are on call for {where} from {at}, taking over from {outgoing}.")
            : (es ? $"Tu guardia en {where} terminó a las {at}; te releva {incoming}." : $"Your on-call shift for {where} ended at {at}; {incoming} takes over."))
            .Append('\n');
        if (role == HandoffRole.Incoming && facts.NextHandoff is { } next)
        {
            text.Append(es ? $"Tu turno termina: {Time(next, zone)}" : $"Your shift ends: {Time(next, zone)}").Append('\n');
        }
        text.Append(es ? $"Turno saliente: {Time(facts.ShiftStart, zone)} → {at}" : $"Shift: {Time(facts.ShiftStart, zone)} → {at}").Append('\n');

        text.Append('\n').Append(es ? $"Incidentes durante el turno: {facts.OpenedDuringShift.Count}" : $"Incidents during the shift: {facts.OpenedDuringShift.Count}").Append('\n');
        List(text, facts.OpenedDuringShift, es);
        text.Append(es ? $"Incidentes aún abiertos: {open}" : $"Incidents still open: {open}").Append('\n');
        List(text, facts.StillOpen, es);
        text.Append(es ? $"Alertas activas: {facts.FiringAlerts}" : $"Alerts firing: {facts.FiringAlerts}").Append('\n');
        foreach (var a in facts.TopAlerts)
        {
            text.Append("- ").Append(a.Name).Append(" ×").Append(a.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return new HandoffReport(subject, text.ToString().TrimEnd('\n'));
    }

    /// <summary>Counts the firing alerts by <c>alertname</c> and keeps the <see cref="MaxAlertNames"/> most frequent,
    /// ties in name order; alerts without a name count as <c>(unnamed)</c>.</summary>
    public static IReadOnlyList<FiringAlertName> TopAlertNames(IEnumerable<string> alertNames)
    {
        ArgumentNullException.ThrowIfNull(alertNames);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in alertNames)
        {
            var key = string.IsNullOrEmpty(name) ? "(unnamed)" : name;
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return [.. counts
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(MaxAlertNames)
            .Select(c => new FiringAlertName(c.Key, c.Value))];
    }

    static void List(StringBuilder text, IReadOnlyList<HandoffIncident> incidents, bool es)
    {
        for (var i = 0; i < incidents.Count && i < MaxIncidentsListed; i++)
        {
            var inc = incidents[i];
            text.Append("- ").Append(inc.Id).Append(" [").Append(inc.Severity.ToString()).Append("] ")
                .Append(Status(inc.Status, es)).Append(": ").Append(inc.Title).Append('\n');
        }
        if (incidents.Count > MaxIncidentsListed)
        {
            var more = incidents.Count - MaxIncidentsListed;
            text.Append(es ? $"- y {more} más" : $"- and {more} more").Append('\n');
        }
    }

    static string Status(IncidentStatus status, bool es) => status switch
    {
        IncidentStatus.Triggered => es ? "disparado" : "triggered",
        IncidentStatus.Acknowledged => es ? "confirmado" : "acknowledged",
        IncidentStatus.Mitigated => es ? "mitigado" : "mitigated",
        IncidentStatus.Resolved => es ? "resuelto" : "resolved",
        _ => es ? "cerrado" : "closed",
    };

    static string Time(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    static string Plural(int n, string one, string many) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? one : many);
}
