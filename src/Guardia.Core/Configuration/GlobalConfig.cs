namespace Guardia.Core.Configuration;

/// <summary>The <c>global</c> section: defaults for every receiver, with Alertmanager 0.25's defaults.</summary>
public sealed record GlobalConfig
{
    /// <summary>How long an alert without an end time stays firing after its last update.</summary>
    public TimeSpan ResolveTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The HTTP client settings receivers inherit.</summary>
    public HttpClientConfig HttpConfig { get; init; } = new();

    /// <summary>The <c>smtp_from</c> setting.</summary>
    public string SmtpFrom { get; init; } = string.Empty;

    /// <summary>The <c>smtp_hello</c> setting.</summary>
    public string SmtpHello { get; init; } = "localhost";

    /// <summary>The <c>smtp_smarthost</c> setting.</summary>
    public string SmtpSmarthost { get; init; } = string.Empty;

    /// <summary>The <c>smtp_auth_username</c> setting.</summary>
    public string SmtpAuthUsername { get; init; } = string.Empty;

    /// <summary>The <c>smtp_auth_password</c> setting.</summary>
    public Secret? SmtpAuthPassword { get; init; }

    /// <summary>The <c>smtp_auth_password_file</c> setting.</summary>
    public string? SmtpAuthPasswordFile { get; init; }

    /// <summary>The <c>smtp_auth_secret</c> setting.</summary>
    public Secret? SmtpAuthSecret { get; init; }

    /// <summary>The <c>smtp_auth_identity</c> setting.</summary>
    public string SmtpAuthIdentity { get; init; } = string.Empty;

    /// <summary>The <c>smtp_require_tls</c> setting.</summary>
    public bool SmtpRequireTls { get; init; } = true;

    /// <summary>The <c>slack_api_url</c> setting.</summary>
    public Secret? SlackApiUrl { get; init; }

    /// <summary>The <c>slack_api_url_file</c> setting.</summary>
    public string? SlackApiUrlFile { get; init; }

    /// <summary>The <c>pagerduty_url</c> setting.</summary>
    public string PagerdutyUrl { get; init; } = "https://events.pagerduty.com/v2/enqueue";

    /// <summary>The <c>opsgenie_api_url</c> setting.</summary>
    public string OpsgenieApiUrl { get; init; } = "https://api.opsgenie.com/";

    /// <summary>The <c>opsgenie_api_key</c> setting.</summary>
    public Secret? OpsgenieApiKey { get; init; }

    /// <summary>The <c>opsgenie_api_key_file</c> setting.</summary>
    public string? OpsgenieApiKeyFile { get; init; }

    /// <summary>The <c>wechat_api_url</c> setting.</summary>
    public string WechatApiUrl { get; init; } = "https://qyapi.weixin.qq.com/cgi-bin/";

    /// <summary>The <c>wechat_api_secret</c> setting.</summary>
    public Secret? WechatApiSecret { get; init; }

    /// <summary>The <c>wechat_api_corp_id</c> setting.</summary>
    public string WechatApiCorpId { get; init; } = string.Empty;

    /// <summary>The <c>victorops_api_url</c> setting.</summary>
    public string VictoropsApiUrl { get; init; } = "https://alert.victorops.com/integrations/generic/20131114/alert/";

    /// <summary>The <c>victorops_api_key</c> setting.</summary>
    public Secret? VictoropsApiKey { get; init; }

    /// <summary>The <c>victorops_api_key_file</c> setting.</summary>
    public string? VictoropsApiKeyFile { get; init; }

    /// <summary>The <c>telegram_api_url</c> setting.</summary>
    public string TelegramApiUrl { get; init; } = "https://api.telegram.org";

    /// <summary>The <c>webex_api_url</c> setting.</summary>
    public string WebexApiUrl { get; init; } = "https://webexapis.com/v1/messages";
}
