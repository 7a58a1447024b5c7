using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Notify;

namespace Guardia.Integrations.Notifiers.PagerDuty;

/// <summary>Sends PagerDuty events: Events API v2 with <c>routing_key</c>, the v1 generic API with <c>service_key</c>, as Alertmanager 0.25 does.</summary>
public sealed class PagerDutyNotifier : JsonNotifier
{
    /// <summary>Where Alertmanager sends v1 (<c>service_key</c>) events; it is fixed, <c>url</c> applies to v2 only.</summary>
    public const string V1Url = "https://events.pagerduty.com/generic/2010-04-15/create_event.json";

    /// <summary>The longest summary (v2) or description (v1), in runes.</summary>
    public const int MaxSummaryRunes = 1024;

    /// <summary>The largest event PagerDuty accepts, in bytes.</summary>
    public const int MaxEventBytes = 512000;

    readonly PagerDutyConfig _config;

    /// <summary>Creates the notifier for one <c>pagerduty_configs</c> entry, posting with <paramref name="http"/> (the client of its <c>http_config</c>).</summary>
    public PagerDutyNotifier(PagerDutyConfig config, NotifierContext context, HttpClient http)
        : base(context, http, (config ?? throw new ArgumentNullException(nameof(config))).HttpConfig)
    {
        _config = config;
    }

    /// <summary>Overrides <see cref="V1Url"/> (tests only; Alertmanager has no setting for it).</summary>
    public string V1Endpoint { get; init; } = V1Url;

    /// <summary>Alertmanager's <c>Key.Hash</c>: the SHA-256 of the group key as lowercase hex, PagerDuty's dedup (incident) key.</summary>
    public static string DedupKey(string groupKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(groupKey)));

    /// <summary>
    /// Renders the event Alertmanager posts. <paramref name="routingKey"/> or <paramref name="serviceKey"/> is the
    /// key text before templating (Alertmanager templates it); v1 is used when a service key is set.
    /// </summary>
    public static JsonObject BuildPayload(PagerDutyConfig config, TemplateText tmpl, string status, string groupKey, string? routingKey, string? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tmpl);
        var eventType = status == "resolved" ? "resolve" : "trigger";
        var details = new JsonObject();
        // Go ranges over the details map in random order; the JSON encoder sorts map keys.
        foreach (var (k, v) in config.Details.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            details[k] = tmpl.Text(v);
        }
        if (!string.IsNullOrEmpty(serviceKey))
        {
            var (description, _) = TemplateText.Truncate(tmpl.Text(config.Description), MaxSummaryRunes);
            var v1 = new JsonObject();
            OmitEmpty(v1, "service_key", tmpl.Text(serviceKey));
            v1["incident_key"] = DedupKey(groupKey);
            v1["event_type"] = eventType;
            OmitEmpty(v1, "description", description);
            v1["event_action"] = string.Empty;
            v1["payload"] = null;
            if (eventType == "trigger")
            {
                OmitEmpty(v1, "client", tmpl.Text(config.Client));
                OmitEmpty(v1, "client_url", tmpl.Text(config.ClientUrl));
            }
            if (details.Count > 0)
            {
                v1["details"] = details;
            }
            return LimitSize(v1, v1: true);
        }

        var (summary, _) = TemplateText.Truncate(tmpl.Text(config.Description), MaxSummaryRunes);
        var severity = config.Severity.Length == 0 ? "error" : config.Severity;
        var source = config.Source.Length == 0 ? config.Client : config.Source;
        var payload = new JsonObject
        {
            ["summary"] = summary,
            ["source"] = tmpl.Text(source),
            ["severity"] = tmpl.Text(severity),
        };
        OmitEmpty(payload, "class", tmpl.Text(config.Class));
        OmitEmpty(payload, "component", tmpl.Text(config.Component));
        OmitEmpty(payload, "group", tmpl.Text(config.Group));
        if (details.Count > 0)
        {
            payload["custom_details"] = details;
        }
        var client = tmpl.Text(config.Client);
        var clientUrl = tmpl.Text(config.ClientUrl);
        var images = new JsonArray();
        foreach (var i in config.Images)
        {
            var src = tmpl.Text(i.Src);
            var alt = tmpl.Text(i.Alt);
            var href = tmpl.Text(i.Href);
            if (src.Length > 0)
            {
                images.Add(new JsonObject { ["src"] = src, ["alt"] = alt, ["href"] = href });
            }
        }
        var links = new JsonArray();
        foreach (var l in config.Links)
        {
            var href = tmpl.Text(l.Href);
            var text = tmpl.Text(l.Text);
            if (href.Length > 0)
            {
                links.Add(new JsonObject { ["href"] = href, ["text"] = text });
            }
        }
        var v2 = new JsonObject();
        OmitEmpty(v2, "routing_key", tmpl.Text(routingKey ?? string.Empty));
        v2["dedup_key"] = DedupKey(groupKey);
        v2["event_action"] = eventType;
        v2["payload"] = payload;
        OmitEmpty(v2, "client", client);
        OmitEmpty(v2, "client_url", clientUrl);
        if (images.Count > 0)
        {
            v2["images"] = images;
        }
        if (links.Count > 0)
        {
            v2["links"] = links;
        }
        return LimitSize(v2, v1: false);
    }

    // Alertmanager replaces the details of an event larger than PagerDuty accepts with an explanation.
    static JsonObject LimitSize(JsonObject message, bool v1)
    {
        if (JsonDelivery.Encode(message).Length <= MaxEventBytes)
        {
            return message;
        }
        var replacement = new JsonObject { ["error"] = "Custom details have been removed because the original event exceeds the maximum size of 512KB" };
        if (v1)
        {
            message["details"] = replacement;
        }
        else
        {
            message["payload"]!["custom_details"] = replacement;
        }
        return message;
    }

    /// <inheritdoc/>
    public override async Task<NotifyResult> NotifyAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(flush);
        var serviceKey = await SecretAsync(_config.ServiceKey, _config.ServiceKeyFile, ct).ConfigureAwait(false);
        var routingKey = await SecretAsync(_config.RoutingKey, _config.RoutingKeyFile, ct).ConfigureAwait(false);
        var data = Context.DataFor(flush, alerts);
        var tmpl = new TemplateText(Context.Templates, data);
        var message = BuildPayload(_config, tmpl, data.Status, flush.GroupKey, routingKey, serviceKey);
        var v1 = !string.IsNullOrEmpty(serviceKey);
        if (tmpl.Error is { } error)
        {
            return NotifyResult.Permanent($"failed to template PagerDuty {(v1 ? "v1" : "v2")} message: {error.Message}");
        }
        if (v1 ? message["service_key"] is null : message["routing_key"] is null)
        {
            return NotifyResult.Permanent(v1 ? "service key cannot be empty" : "routing key cannot be empty");
        }
        // v1 rate limiting answers 403; v2 answers 429 (always retried).
        return v1
            ? await PostAsync(V1Endpoint, message, ct, 403).ConfigureAwait(false)
            : await PostAsync(_config.Url, message, ct).ConfigureAwait(false);
    }

    static void OmitEmpty(JsonObject o, string name, string value)
    {
        if (value.Length > 0)
        {
            o[name] = value;
        }
    }
}
