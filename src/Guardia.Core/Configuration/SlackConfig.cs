namespace Guardia.Core.Configuration;

/// <summary>The <c>slack_configs</c> entry with Alertmanager 0.25's default templates.</summary>
public sealed record SlackConfig
{
    public bool SendResolved { get; init; }
    public HttpClientConfig HttpConfig { get; init; } = new();
    public Secret? ApiUrl { get; init; }
    public string? ApiUrlFile { get; init; }
    public string Channel { get; init; } = string.Empty;
    public string Username { get; init; } = "{{ template \"slack.default.username\" . }}";
    public string Color { get; init; } = "{{ if eq .Status \"firing\" }}danger{{ else }}good{{ end }}";
    public string Title { get; init; } = "{{ template \"slack.default.title\" . }}";
    public string TitleLink { get; init; } = "{{ template \"slack.default.titlelink\" . }}";
    public string Pretext { get; init; } = "{{ template \"slack.default.pretext\" . }}";
    public string Text { get; init; } = "{{ template \"slack.default.text\" . }}";
    public IReadOnlyList<SlackField> Fields { get; init; } = [];
    public bool ShortFields { get; init; }
    public string Footer { get; init; } = "{{ template \"slack.default.footer\" . }}";
    public string Fallback { get; init; } = "{{ template \"slack.default.fallback\" . }}";
    public string CallbackId { get; init; } = "{{ template \"slack.default.callbackid\" . }}";
    public string IconEmoji { get; init; } = "{{ template \"slack.default.iconemoji\" . }}";
    public string IconUrl { get; init; } = "{{ template \"slack.default.iconurl\" . }}";
    public string ImageUrl { get; init; } = string.Empty;
    public string ThumbUrl { get; init; } = string.Empty;
    public bool LinkNames { get; init; }
    public IReadOnlyList<string> MrkdwnIn { get; init; } = [];
    public IReadOnlyList<SlackAction> Actions { get; init; } = [];
}

/// <summary>A Slack attachment field.</summary>
public sealed record SlackField(string Title, string Value, bool? IsShort);

/// <summary>A Slack attachment button.</summary>
public sealed record SlackAction
{
    public string Type { get; init; } = string.Empty;
    public string Text { get; init; } = string.Empty;
    public string Url { get; init; } = string.Empty;
    public string Style { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    public string Value { get; init; } = string.Empty;
    public SlackConfirmationField? ConfirmField { get; init; }
}

/// <summary>The confirmation dialog of a Slack action.</summary>
public sealed record SlackConfirmationField(string Text, string Title, string OkText, string DismissText);
