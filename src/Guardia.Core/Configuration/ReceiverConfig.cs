namespace Guardia.Core.Configuration;

/// <summary>A named receiver and its integrations.</summary>
public sealed record ReceiverConfig
{
    /// <summary>The <c>name</c> setting.</summary>
    public required string Name { get; init; }

    /// <summary>The <c>webhook_configs</c> setting.</summary>
    public IReadOnlyList<WebhookConfig> WebhookConfigs { get; init; } = [];

    /// <summary>The <c>slack_configs</c> setting.</summary>
    public IReadOnlyList<SlackConfig> SlackConfigs { get; init; } = [];

    /// <summary>The <c>pagerduty_configs</c> setting.</summary>
    public IReadOnlyList<PagerDutyConfig> PagerDutyConfigs { get; init; } = [];

    /// <summary>The <c>email_configs</c> setting.</summary>
    public IReadOnlyList<EmailConfig> EmailConfigs { get; init; } = [];

    /// <summary>The <c>msteams_configs</c> setting.</summary>
    public IReadOnlyList<MSTeamsConfig> MSTeamsConfigs { get; init; } = [];

    /// <summary>Integrations Alertmanager knows that Guardia does not send to yet (opsgenie, pushover...).</summary>
    public IReadOnlyList<UnsupportedIntegration> Unsupported { get; init; } = [];
}

/// <summary>A receiver integration that loads but is not implemented, with where it was declared.</summary>
public sealed record UnsupportedIntegration(string Kind, int Count, int Line, int Column);

/// <summary>The <c>webhook_configs</c> entry.</summary>
public sealed record WebhookConfig
{
    /// <summary>The <c>send_resolved</c> setting.</summary>
    public bool SendResolved { get; init; } = true;

    /// <summary>The <c>http_config</c> setting.</summary>
    public HttpClientConfig HttpConfig { get; init; } = new();

    /// <summary>The URL; Alertmanager 0.25 does not treat it as secret, so neither does Guardia's rendering.</summary>
    public string? Url { get; init; }

    /// <summary>The <c>url_file</c> setting.</summary>
    public string? UrlFile { get; init; }

    /// <summary>The <c>max_alerts</c> setting.</summary>
    public int MaxAlerts { get; init; }
}

/// <summary>The <c>msteams_configs</c> entry (an Alertmanager 0.26 integration Guardia accepts beside 0.25's).</summary>
public sealed record MSTeamsConfig
{
    /// <summary>The <c>send_resolved</c> setting.</summary>
    public bool SendResolved { get; init; } = true;

    /// <summary>The <c>http_config</c> setting.</summary>
    public HttpClientConfig HttpConfig { get; init; } = new();

    /// <summary>The <c>webhook_url</c> setting.</summary>
    public Secret? WebhookUrl { get; init; }

    /// <summary>The <c>webhook_url_file</c> setting.</summary>
    public string? WebhookUrlFile { get; init; }

    /// <summary>The <c>title</c> setting.</summary>
    public string Title { get; init; } = "{{ template \"msteams.default.title\" . }}";

    /// <summary>The <c>summary</c> setting.</summary>
    public string Summary { get; init; } = "{{ template \"msteams.default.summary\" . }}";

    /// <summary>The <c>text</c> setting.</summary>
    public string Text { get; init; } = "{{ template \"msteams.default.text\" . }}";
}

/// <summary>The <c>email_configs</c> entry, defaulted from the global <c>smtp_*</c> settings.</summary>
public sealed record EmailConfig
{
    /// <summary>The <c>send_resolved</c> setting.</summary>
    public bool SendResolved { get; init; }

    /// <summary>The <c>to</c> setting.</summary>
    public string To { get; init; } = string.Empty;

    /// <summary>The <c>from</c> setting.</summary>
    public string From { get; init; } = string.Empty;

    /// <summary>The <c>hello</c> setting.</summary>
    public string Hello { get; init; } = string.Empty;

    /// <summary>The <c>smarthost</c> setting.</summary>
    public string Smarthost { get; init; } = string.Empty;

    /// <summary>The <c>auth_username</c> setting.</summary>
    public string AuthUsername { get; init; } = string.Empty;

    /// <summary>The <c>auth_password</c> setting.</summary>
    public Secret? AuthPassword { get; init; }

    /// <summary>The <c>auth_password_file</c> setting.</summary>
    public string? AuthPasswordFile { get; init; }

    /// <summary>The <c>auth_secret</c> setting.</summary>
    public Secret? AuthSecret { get; init; }

    /// <summary>The <c>auth_identity</c> setting.</summary>
    public string AuthIdentity { get; init; } = string.Empty;

    /// <summary>The <c>headers</c> setting.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>html</c> setting.</summary>
    public string Html { get; init; } = "{{ template \"email.default.html\" . }}";

    /// <summary>The <c>text</c> setting.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>The <c>require_tls</c> setting.</summary>
    public bool RequireTls { get; init; } = true;

    /// <summary>The <c>tls_config</c> setting.</summary>
    public TlsConfig TlsConfig { get; init; } = new();
}
