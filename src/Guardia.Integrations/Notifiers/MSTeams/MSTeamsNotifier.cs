using System.Text.Json.Nodes;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Notify;

namespace Guardia.Integrations.Notifiers.MSTeams;

/// <summary>Sends Microsoft Teams incoming-webhook MessageCards with Alertmanager 0.26's payload.</summary>
public sealed class MSTeamsNotifier : JsonNotifier
{
    /// <summary>The card color while any alert fires.</summary>
    public const string ColorFiring = "8C1A1A";

    /// <summary>The card color when every alert is resolved.</summary>
    public const string ColorResolved = "2DC72D";

    readonly MSTeamsConfig _config;

    /// <summary>Creates the notifier for one <c>msteams_configs</c> entry, posting with <paramref name="http"/> (the client of its <c>http_config</c>).</summary>
    public MSTeamsNotifier(MSTeamsConfig config, NotifierContext context, HttpClient http)
        : base(context, http, (config ?? throw new ArgumentNullException(nameof(config))).HttpConfig)
    {
        _config = config;
    }

    /// <summary>Renders the MessageCard Alertmanager 0.26 posts; <see cref="TemplateText.Error"/> tells whether a field failed.</summary>
    public static JsonObject BuildPayload(MSTeamsConfig config, TemplateText tmpl, string status)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tmpl);
        return new JsonObject
        {
            ["@context"] = "http://schema.org/extensions",
            ["type"] = "MessageCard",
            ["title"] = tmpl.Text(config.Title),
            ["summary"] = tmpl.Text(config.Summary),
            ["text"] = tmpl.Text(config.Text),
            ["themeColor"] = status == "firing" ? ColorFiring : ColorResolved,
        };
    }

    /// <inheritdoc/>
    public override async Task<NotifyResult> NotifyAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        var data = Context.DataFor(flush, alerts);
        var tmpl = new TemplateText(Context.Templates, data);
        var payload = BuildPayload(_config, tmpl, data.Status);
        if (tmpl.Error is { } error)
        {
            return NotifyResult.Permanent("template: " + error.Message);
        }
        if (await SecretAsync(_config.WebhookUrl, _config.WebhookUrlFile, ct).ConfigureAwait(false) is not { } url)
        {
            return NotifyResult.Permanent("no webhook_url or webhook_url_file");
        }
        return await PostAsync(url, payload, ct).ConfigureAwait(false);
    }
}
