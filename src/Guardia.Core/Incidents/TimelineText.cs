using System.Globalization;

namespace Guardia.Core.Incidents;

/// <summary>
/// The sentence of a timeline entry, in English or Spanish, built from its kind, actor and structured data. The
/// engine stores the English sentence with each entry; readers who prefer Spanish get it rebuilt from the same data.
/// Notes and status updates are people's own words and stay as written (notes written by runbook runs carry an
/// <c>event</c> and are rebuilt by <see cref="Runbooks.RunbookTimelineText"/>), and so does any entry whose data does not
/// carry what the sentence needs (entries written by older versions, events recorded from outside the engine).
/// </summary>
public static class TimelineText
{
    /// <summary>Data key that tells which variant of an entry it is (<see cref="TimelineKind.Created"/>,
    /// <see cref="TimelineKind.PageFailed"/>, <see cref="TimelineKind.EscalationStopped"/>).</summary>
    public const string Cause = "cause";

    /// <summary>The entry's sentence in <paramref name="language"/> (<c>en</c> or <c>es</c>; anything else is
    /// English): the stored text, unless Spanish is asked for and the data allows building it.</summary>
    public static string Localize(TimelineEntry entry, string? language)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return IsSpanish(language) && Render(entry.Kind, entry.Actor, entry.Data, spanish: true) is { } es ? es : entry.Text;
    }

    /// <summary>True for a language tag that names Spanish (<c>es</c>, <c>es-PE</c>, <c>es_PE.UTF-8</c>).</summary>
    public static bool IsSpanish(string? language) =>
        language is { Length: >= 2 } l && l.StartsWith("es", StringComparison.OrdinalIgnoreCase) && (l.Length == 2 || l[2] is '-' or '_' or '.' or ',' or ';');

    /// <summary>The English sentence the engine stores for an entry of this kind, actor and data.</summary>
    /// <exception cref="ArgumentException">The data lacks a key the sentence needs (a bug in the caller).</exception>
    public static string English(TimelineKind kind, string actor, IReadOnlyDictionary<string, string> data) =>
        Render(kind, actor, data, spanish: false) ?? throw new ArgumentException($"timeline data for {kind} lacks what its sentence needs", nameof(data));

    /// <summary>Formats a duration as timeline sentences show it: <c>4.5s</c>, <c>2m05s</c>, <c>1h30m</c>.</summary>
    public static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{Math.Max(0, t.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture)}s";

    /// <summary>A role as sentences name it.</summary>
    public static string RoleName(IncidentRole role, bool spanish) => (role, spanish) switch
    {
        (IncidentRole.Commander, false) => "incident commander",
        (IncidentRole.Commander, true) => "comandante del incidente",
        (IncidentRole.TechnicalLead, false) => "technical lead",
        (IncidentRole.TechnicalLead, true) => "líder técnico",
        (IncidentRole.CommunicationsLead, false) => "communications lead",
        (IncidentRole.CommunicationsLead, true) => "responsable de comunicaciones",
        (_, false) => "scribe",
        (_, true) => "escriba",
    };

    static string? Render(TimelineKind kind, string actor, IReadOnlyDictionary<string, string> d, bool spanish)
    {
        string? Get(string key) => d.TryGetValue(key, out var v) ? v : null;
        string? Ms(string key) => long.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? Duration(TimeSpan.FromMilliseconds(ms)) : null;
        string S(string en, string es) => spanish ? es : en;

        switch (kind)
        {
            case TimelineKind.Created:
                {
                    var severity = Get("severity");
                    return (Get(Cause), severity) switch
                    {
                        (_, null) => null,
                        ("policy", _) when Get("policy") is { } p && Get("group_key") is { } g && Get("receiver") is { } r =>
                            S($"opened by incident policy {p} for group {g} (receiver {r}) as {severity}",
                              $"abierto por la política de incidentes {p} para el grupo {g} (receptor {r}) como {severity}"),
                        ("manual", _) => S($"opened manually by {actor} as {severity}", $"abierto manualmente por {actor} como {severity}"),
                        _ => null,
                    };
                }
            case TimelineKind.Reopened:
                return S($"reopened by {actor}", $"reabierto por {actor}");
            case TimelineKind.AlertAttached:
                {
                    if (Get("fingerprint") is not { } fp || Get("alertname") is not { } name)
                    {
                        return null;
                    }
                    var what = name.Length == 0 ? Get("labels") ?? string.Empty : name;
                    return S($"alert attached: {what} {fp}", $"alerta asociada: {what} {fp}");
                }
            case TimelineKind.Acknowledged:
                {
                    if (Ms("time_to_acknowledge_ms") is not { } after)
                    {
                        return null;
                    }
                    var link = Get("via") == "link" ? S(" (page link)", " (enlace del aviso)") : string.Empty;
                    return S($"acknowledged by {actor}{link} after {after}", $"reconocido por {actor}{link} tras {after}");
                }
            case TimelineKind.Escalated:
                {
                    if (Get("level_name") is not { } level || !int.TryParse(Get("level"), CultureInfo.InvariantCulture, out var n)
                        || !int.TryParse(Get("repeat"), CultureInfo.InvariantCulture, out var repeat) || Get("users") is not { } users || Get("reason") is not { } reason)
                    {
                        return null;
                    }
                    var pass = repeat == 0 ? string.Empty : S($" (repeat {repeat})", $" (repetición {repeat})");
                    var verb = reason == nameof(PageReason.EscalateNow) ? S($"escalated now by {actor} to", $"escalado ahora por {actor} a")
                        : n == 0 && repeat == 0 ? S("paging", "aviso a") : S("escalated to", "escalado a");
                    return users.Length == 0
                        ? S($"{verb} {level}{pass}: nobody to page ({Get("targets")} resolved to no one)",
                            $"{verb} {level}{pass}: nadie a quien avisar ({Get("targets")} no corresponde a nadie)")
                        : S($"{verb} {level}{pass}: paging {List(users)}", $"{verb} {level}{pass}: avisando a {List(users)}");
                }
            case TimelineKind.EscalationStopped:
                {
                    var policy = Get("escalation_policy");
                    return (Get(Cause), policy) switch
                    {
                        (_, null) => null,
                        ("policy_missing", _) => S($"escalation stopped: escalation policy \"{policy}\" is no longer defined",
                            $"escalado detenido: la política de escalado \"{policy}\" ya no está definida"),
                        ("exhausted", _) when Get("last_level") is { } last && int.TryParse(Get("repeats"), CultureInfo.InvariantCulture, out var repeats) =>
                            S($"escalation stopped: nobody acknowledged after the last level ({last})" + (repeats > 0 ? $" and {repeats} repeat(s)" : string.Empty),
                              $"escalado detenido: nadie reconoció tras el último nivel ({last})" + (repeats > 0 ? $" y {repeats} repetición(es)" : string.Empty)),
                        _ => null,
                    };
                }
            case TimelineKind.Reassigned:
                {
                    if (Get("from") is not { } from || Get("to") is not { } to)
                    {
                        return null;
                    }
                    return from.Length == 0 ? S($"assigned to {to}", $"asignado a {to}") : S($"reassigned from {from} to {to}", $"reasignado de {from} a {to}");
                }
            case TimelineKind.ResponderAdded:
                return Get("user") is { } added ? S($"{added} added as responder", $"{added} añadido como respondedor") : null;
            case TimelineKind.RoleSet:
                {
                    if (!Enum.TryParse<IncidentRole>(Get("role"), out var role) || Get("user") is not { } user)
                    {
                        return null;
                    }
                    var name = RoleName(role, spanish);
                    return user.Length == 0 ? S($"{name} cleared", $"{name}: sin asignar") : S($"{user} is {name}", $"{user} es {name}");
                }
            case TimelineKind.SeverityChanged:
                return Get("from") is { } f && Get("to") is { } t ? S($"severity changed from {f} to {t}", $"severidad cambiada de {f} a {t}") : null;
            case TimelineKind.Mitigated:
                return S($"mitigated by {actor}", $"mitigado por {actor}");
            case TimelineKind.Resolved:
                return Get("auto") == "true"
                    ? S("resolved automatically: every alert of the group resolved", "resuelto automáticamente: todas las alertas del grupo se resolvieron")
                    : S($"resolved by {actor}", $"resuelto por {actor}");
            case TimelineKind.Closed:
                return S($"closed by {actor}", $"cerrado por {actor}");
            case TimelineKind.PageDelivered:
            case TimelineKind.PageFailed:
                return Page(kind, d, spanish);
            case TimelineKind.Reminder:
                {
                    if (Get("severity") is not { } severity || Ms("interval_ms") is not { } every || Get("users") is not { } users)
                    {
                        return null;
                    }
                    return users.Length == 0
                        ? S($"status update due ({severity}, every {every}): nobody to remind", $"actualización de estado pendiente ({severity}, cada {every}): nadie a quien recordarlo")
                        : S($"status update due ({severity}, every {every}): reminding {List(users)}", $"actualización de estado pendiente ({severity}, cada {every}): se lo recuerda a {List(users)}");
                }
            case TimelineKind.ResponseTargetBreached:
                return Get("severity") is { } sev && Ms("target_ms") is { } target
                    ? S($"response target breached: not acknowledged within {target} ({sev})", $"objetivo de respuesta incumplido: sin reconocer en {target} ({sev})")
                    : null;
            case TimelineKind.Note:
                // People's notes have no event and stay as written; runbook runs write notes with one.
                return Runbooks.RunbookTimelineText.Render(d, actor, spanish);
            case TimelineKind.NotificationSent:
                return Get("receiver") is { } receiver && Get("integration") is { } integration
                    ? S($"notification sent to {receiver} by {integration}", $"notificación enviada a {receiver} por {integration}")
                    : null;
            default:
                return null;
        }
    }

    static string? Page(TimelineKind kind, IReadOnlyDictionary<string, string> d, bool spanish)
    {
        string? Get(string key) => d.TryGetValue(key, out var v) ? v : null;
        string S(string en, string es) => spanish ? es : en;
        if (Get(Cause) == "unresolved")
        {
            return Get("target") is { } target && Get("level_name") is { } of && Get("error") is { } why
                ? S($"cannot resolve {target} of {of}: {why}", $"no se puede resolver {target} de {of}: {why}")
                : null;
        }
        if (Get("user") is not { } user || Get("level_name") is not { } level || Get("reason") is not { } reason)
        {
            return null;
        }
        if (spanish)
        {
            // Pages outside the escalation levels carry a fixed English pseudo-level name.
            level = (reason, level) switch
            {
                (nameof(PageReason.Reassigned), "reassignment") => "reasignación",
                (nameof(PageReason.Responder), "responder") => "respondedor",
                (nameof(PageReason.Reminder), "status update") => "actualización de estado",
                _ => level,
            };
        }
        var what = reason == nameof(PageReason.Reminder) ? S("status update reminder", "recordatorio de actualización de estado") : S("page", "aviso");
        if (kind == TimelineKind.PageDelivered)
        {
            return S($"{what} delivered to {user} ({level})", $"{what} entregado a {user} ({level})");
        }
        return Get(Cause) switch
        {
            "not_sent" => S($"page to {user} ({level}) not sent: the incident is no longer open", $"aviso a {user} ({level}) no enviado: el incidente ya no está abierto"),
            "delivery" when Get("error") is { } error => S($"{what} to {user} ({level}) failed: {error}", $"{what} a {user} ({level}) falló: {error}"),
            _ => null,
        };
    }

    static string List(string commaSeparated) => string.Join(", ", commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries));
}
