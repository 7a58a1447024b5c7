namespace Guardia.Core.Configuration;

/// <summary>A named receiver and its integrations.</summary>
public sealed record ReceiverConfig
{
    public required string Name { get; init; }
    public IReadOnlyList<WebhookConfig> WebhookConfigs { get; init; } = [];
    public IReadOnlyList<SlackConfig> SlackConfigs { get; init; } = [];
    public IReadOnlyList<PagerDutyConfig> PagerDutyConfigs { get; init; } = [];
    public IReadOnlyList<EmailConfig> EmailConfigs { get; init; } = [];
    public IReadOnlyList<MSTeamsConfig> MSTeamsConfigs { get; init; } = [];

    /// <summary>Integrations Alertmanager knows that Guardia does not send to yet (opsgenie, pushover...).</summary>
    public IReadOnlyList<UnsupportedIntegration> Unsupported { get; init; } = [];
}

/// <summary>A receiver integration that loads but is not implemented, with where it was declared.</summary>
public sealed record UnsupportedIntegration(string Kind, int Count, int Line, int Column);

/// <summary>The <c>webhook_configs</c> entry.</summary>
public sealed record WebhookConfig
{
    public bool SendResolved { get; init; } = true;
    public HttpClientConfig HttpConfig { get; init; } = new();
    /// <summary>The URL; Alertmanager 0.25 does not treat it as secret, so neither does Guardia's rendering.</summary>
    public string? Url { get; init; }
    public string? UrlFile { get; init; }
    public int MaxAlerts { get; init; }
}

/// <summary>The <c>msteams_configs</c> entry (an Alertmanager 0.26 integration Guardia accepts beside 0.25's).</summary>
public sealed record MSTeamsConfig
{
    public bool SendResolved { get; init; } = true;
    public HttpClientConfig HttpConfig { get; init; } = new();
    public Secret? WebhookUrl { get; init; }
    public string? WebhookUrlFile { get; init; }
    public string Title { get; init; } = "{{ template \"msteams.default.title\" . }}";
    public string Summary { get; init; } = "{{ template \"msteams.default.summary\" . }}";
    public string Text { get; init; } = "{{ template \"msteams.default.text\" . }}";
}

/// <summary>The <c>email_configs</c> entry, defaulted from the global <c>smtp_*</c> settings.</summary>
public sealed record EmailConfig
{
    public bool SendResolved { get; init; }
    public string To { get; init; } = string.Empty;
    public string From { get; init; } = string.Empty;
    public string Hello { get; init; } = string.Empty;
    public string Smarthost { get; init; } = string.Empty;
    public string AuthUsername { get; init; } = string.Empty;
    public Secret? AuthPassword { get; init; }
    public string? AuthPasswordFile { get; init; }
    public Secret? AuthSecret { get; init; }
    public string AuthIdentity { get; init; } = string.Empty;
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public string Html { get; init; } = "{{ template \"email.default.html\" . }}";
    public string Text { get; init; } = string.Empty;
    public bool RequireTls { get; init; } = true;
    public TlsConfig TlsConfig { get; init; } = new();
}
