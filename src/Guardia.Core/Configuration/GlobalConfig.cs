namespace Guardia.Core.Configuration;

/// <summary>The <c>global</c> section: defaults for every receiver, with Alertmanager 0.25's defaults.</summary>
public sealed record GlobalConfig
{
    /// <summary>How long an alert without an end time stays firing after its last update.</summary>
    public TimeSpan ResolveTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The HTTP client settings receivers inherit.</summary>
    public HttpClientConfig HttpConfig { get; init; } = new();

    public string SmtpFrom { get; init; } = string.Empty;
    public string SmtpHello { get; init; } = "localhost";
    public string SmtpSmarthost { get; init; } = string.Empty;
    public string SmtpAuthUsername { get; init; } = string.Empty;
    public Secret? SmtpAuthPassword { get; init; }
    public string? SmtpAuthPasswordFile { get; init; }
    public Secret? SmtpAuthSecret { get; init; }
    public string SmtpAuthIdentity { get; init; } = string.Empty;
    public bool SmtpRequireTls { get; init; } = true;
    public Secret? SlackApiUrl { get; init; }
    public string? SlackApiUrlFile { get; init; }
    public string PagerdutyUrl { get; init; } = "https://events.pagerduty.com/v2/enqueue";
    public string OpsgenieApiUrl { get; init; } = "https://api.opsgenie.com/";
    public Secret? OpsgenieApiKey { get; init; }
    public string? OpsgenieApiKeyFile { get; init; }
    public string WechatApiUrl { get; init; } = "https://qyapi.weixin.qq.com/cgi-bin/";
    public Secret? WechatApiSecret { get; init; }
    public string WechatApiCorpId { get; init; } = string.Empty;
    public string VictoropsApiUrl { get; init; } = "https://alert.victorops.com/integrations/generic/20131114/alert/";
    public Secret? VictoropsApiKey { get; init; }
    public string? VictoropsApiKeyFile { get; init; }
    public string TelegramApiUrl { get; init; } = "https://api.telegram.org";
    public string WebexApiUrl { get; init; } = "https://webexapis.com/v1/messages";
}
