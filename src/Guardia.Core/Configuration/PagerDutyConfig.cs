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

    public bool SendResolved { get; init; } = true;
    public HttpClientConfig HttpConfig { get; init; } = new();
    public Secret? ServiceKey { get; init; }
    public string? ServiceKeyFile { get; init; }
    public Secret? RoutingKey { get; init; }
    public string? RoutingKeyFile { get; init; }
    public string Url { get; init; } = "https://events.pagerduty.com/v2/enqueue";
    public string Client { get; init; } = "{{ template \"pagerduty.default.client\" . }}";
    public string ClientUrl { get; init; } = "{{ template \"pagerduty.default.clientURL\" . }}";
    public string Description { get; init; } = "{{ template \"pagerduty.default.description\" .}}";
    public IReadOnlyDictionary<string, string> Details { get; init; } = DefaultDetails;
    public IReadOnlyList<PagerDutyImage> Images { get; init; } = [];
    public IReadOnlyList<PagerDutyLink> Links { get; init; } = [];
    public string Source { get; init; } = string.Empty;
    public string Severity { get; init; } = string.Empty;
    public string Class { get; init; } = string.Empty;
    public string Component { get; init; } = string.Empty;
    public string Group { get; init; } = string.Empty;
}

/// <summary>An image attached to a PagerDuty event.</summary>
public sealed record PagerDutyImage(string Src, string Alt, string Href);

/// <summary>A link attached to a PagerDuty event.</summary>
public sealed record PagerDutyLink(string Href, string Text);
