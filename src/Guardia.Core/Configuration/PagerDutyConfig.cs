namespace Guardia.Core.Configuration;

/// <summary>The <c>pagerduty_configs</c> entry with Alertmanager 0.25's defaults.</summary>
public sealed record PagerDutyConfig
{
    /// <summary>The details Alertmanager adds unless the entry overrides them.</summary>
    public static IReadOnlyDictionary<string, string> DefaultDetails { get; } = new Dictionary<string, string>
    {
        ["firing"] = "{{ template \"pagerduty.default.instances\" .Alerts.Firing }}",
        ["resolved"] = "{{ template \"pagerduty.default.instances\" .Alerts.Resolved }}",
        ["num_firing"] = "{{ .Alerts.Firing | len }}",
        ["num_resolved"] = "{{ .Alerts.Resolved | len }}",
    };

    /// <summary>The <c>send_resolved</c> setting.</summary>
    public bool SendResolved { get; init; } = true;

    /// <summary>The <c>http_config</c> setting.</summary>
    public HttpClientConfig HttpConfig { get; init; } = new();

    /// <summary>The <c>service_key</c> setting.</summary>
    public Secret? ServiceKey { get; init; }

    /// <summary>The <c>service_key_file</c> setting.</summary>
    public string? ServiceKeyFile { get; init; }

    /// <summary>The <c>routing_key</c> setting.</summary>
    public Secret? RoutingKey { get; init; }

    /// <summary>The <c>routing_key_file</c> setting.</summary>
    public string? RoutingKeyFile { get; init; }

    /// <summary>The <c>url</c> setting.</summary>
    public string Url { get; init; } = "https://events.pagerduty.com/v2/enqueue";

    /// <summary>The <c>client</c> setting.</summary>
    public string Client { get; init; } = "{{ template \"pagerduty.default.client\" . }}";

    /// <summary>The <c>client_url</c> setting.</summary>
    public string ClientUrl { get; init; } = "{{ template \"pagerduty.default.clientURL\" . }}";

    /// <summary>The <c>description</c> setting.</summary>
    public string Description { get; init; } = "{{ template \"pagerduty.default.description\" .}}";

    /// <summary>The <c>details</c> setting.</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = DefaultDetails;

    /// <summary>The <c>images</c> setting.</summary>
    public IReadOnlyList<PagerDutyImage> Images { get; init; } = [];

    /// <summary>The <c>links</c> setting.</summary>
    public IReadOnlyList<PagerDutyLink> Links { get; init; } = [];

    /// <summary>The <c>source</c> setting.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>The <c>severity</c> setting.</summary>
    public string Severity { get; init; } = string.Empty;

    /// <summary>The <c>class</c> setting.</summary>
    public string Class { get; init; } = string.Empty;

    /// <summary>The <c>component</c> setting.</summary>
    public string Component { get; init; } = string.Empty;

    /// <summary>The <c>group</c> setting.</summary>
    public string Group { get; init; } = string.Empty;
}

/// <summary>An image attached to a PagerDuty event.</summary>
public sealed record PagerDutyImage(string Src, string Alt, string Href);

/// <summary>A link attached to a PagerDuty event.</summary>
public sealed record PagerDutyLink(string Href, string Text);
