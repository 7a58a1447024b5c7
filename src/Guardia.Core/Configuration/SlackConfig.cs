namespace Guardia.Core.Configuration;

/// <summary>The <c>slack_configs</c> entry with Alertmanager 0.25's default templates.</summary>
public sealed record SlackConfig
{
    /// <summary>The <c>send_resolved</c> setting.</summary>
    public bool SendResolved { get; init; }

    /// <summary>The <c>http_config</c> setting.</summary>
    public HttpClientConfig HttpConfig { get; init; } = new();

    /// <summary>The <c>api_url</c> setting.</summary>
    public Secret? ApiUrl { get; init; }

    /// <summary>The <c>api_url_file</c> setting.</summary>
    public string? ApiUrlFile { get; init; }

    /// <summary>The <c>channel</c> setting.</summary>
    public string Channel { get; init; } = string.Empty;

    /// <summary>The <c>username</c> setting.</summary>
    public string Username { get; init; } = "{{ template \"slack.default.username\" . }}";

    /// <summary>The <c>color</c> setting.</summary>
    public string Color { get; init; } = "{{ if eq .Status \"firing\" }}danger{{ else }}good{{ end }}";

    /// <summary>The <c>title</c> setting.</summary>
    public string Title { get; init; } = "{{ template \"slack.default.title\" . }}";

    /// <summary>The <c>title_link</c> setting.</summary>
    public string TitleLink { get; init; } = "{{ template \"slack.default.titlelink\" . }}";

    /// <summary>The <c>pretext</c> setting.</summary>
    public string Pretext { get; init; } = "{{ template \"slack.default.pretext\" . }}";

    /// <summary>The <c>text</c> setting.</summary>
    public string Text { get; init; } = "{{ template \"slack.default.text\" . }}";

    /// <summary>The <c>fields</c> setting.</summary>
    public IReadOnlyList<SlackField> Fields { get; init; } = [];

    /// <summary>The <c>short_fields</c> setting.</summary>
    public bool ShortFields { get; init; }

    /// <summary>The <c>footer</c> setting.</summary>
    public string Footer { get; init; } = "{{ template \"slack.default.footer\" . }}";

    /// <summary>The <c>fallback</c> setting.</summary>
    public string Fallback { get; init; } = "{{ template \"slack.default.fallback\" . }}";

    /// <summary>The <c>callback_id</c> setting.</summary>
    public string CallbackId { get; init; } = "{{ template \"slack.default.callbackid\" . }}";

    /// <summary>The <c>icon_emoji</c> setting.</summary>
    public string IconEmoji { get; init; } = "{{ template \"slack.default.iconemoji\" . }}";

    /// <summary>The <c>icon_url</c> setting.</summary>
    public string IconUrl { get; init; } = "{{ template \"slack.default.iconurl\" . }}";

    /// <summary>The <c>image_url</c> setting.</summary>
    public string ImageUrl { get; init; } = string.Empty;

    /// <summary>The <c>thumb_url</c> setting.</summary>
    public string ThumbUrl { get; init; } = string.Empty;

    /// <summary>The <c>link_names</c> setting.</summary>
    public bool LinkNames { get; init; }

    /// <summary>The <c>mrkdwn_in</c> setting.</summary>
    public IReadOnlyList<string> MrkdwnIn { get; init; } = [];

    /// <summary>The <c>actions</c> setting.</summary>
    public IReadOnlyList<SlackAction> Actions { get; init; } = [];
}

/// <summary>A Slack attachment field.</summary>
public sealed record SlackField(string Title, string Value, bool? IsShort);

/// <summary>A Slack attachment button.</summary>
public sealed record SlackAction
{
    /// <summary>The <c>type</c> setting.</summary>
    public string Type { get; init; } = string.Empty;

    /// <summary>The <c>text</c> setting.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>The <c>url</c> setting.</summary>
    public string Url { get; init; } = string.Empty;

    /// <summary>The <c>style</c> setting.</summary>
    public string Style { get; init; } = string.Empty;

    /// <summary>The <c>name</c> setting.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The <c>value</c> setting.</summary>
    public string Value { get; init; } = string.Empty;

    /// <summary>The <c>confirm</c> setting.</summary>
    public SlackConfirmationField? ConfirmField { get; init; }
}

/// <summary>The confirmation dialog of a Slack action.</summary>
public sealed record SlackConfirmationField(string Text, string Title, string OkText, string DismissText);
