using System.Text.Json.Nodes;
using Guardia.Core.Configuration;
using Guardia.Core.Templating.Alertmanager;

namespace Guardia.Integrations.Notifiers.MSTeams;

/// <summary>Sends Microsoft Teams incoming-webhook MessageCards with Alertmanager 0.26's payload.</summary>
public sealed class MSTeamsNotifier : INotifier
{
    /// <summary>The card color while any alert fires.</summary>
    public const string ColorFiring = "8C1A1A";

    /// <summary>The card color when every alert is resolved.</summary>
    public const string ColorResolved = "2DC72D";

    readonly MSTeamsConfig _config;
    readonly NotificationTemplates _templates;
    readonly HttpClient _http;
    readonly TimeProvider _time;

    /// <summary>Creates the notifier for one <c>msteams_configs</c> entry.</summary>
    public MSTeamsNotifier(MSTeamsConfig config, int index, NotificationTemplates templates, HttpClient http, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        Index = index;
        _templates = templates;
        _http = http;
        _time = time;
    }

    /// <inheritdoc/>
    public string Integration => "msteams";

    /// <inheritdoc/>
    public int Index { get; }

    /// <inheritdoc/>
    public bool SendResolved => _config.SendResolved;

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; init; } = JsonDelivery.DefaultAttemptTimeout;

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
    public async Task<NotifyResult> NotifyAsync(NotificationRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var data = request.ToTemplateData();
        var tmpl = new TemplateText(_templates, data);
        var payload = BuildPayload(_config, tmpl, data.Status);
        if (tmpl.Error is { } error)
        {
            return NotifyResult.Permanent("template: " + error.Message);
        }
        string url;
        if (_config.WebhookUrl is { } secret)
        {
            url = secret.Value;
        }
        else if (_config.WebhookUrlFile is { } file)
        {
            url = await JsonDelivery.ReadSecretFileAsync(file, ct).ConfigureAwait(false);
        }
        else
        {
            return NotifyResult.Permanent("no webhook_url or webhook_url_file");
        }
        return await JsonDelivery.PostAsync(_http, url, JsonDelivery.Encode(payload), await HttpAuthorization.ForAsync(_config.HttpConfig, ct).ConfigureAwait(false), AttemptTimeout, _time, ct).ConfigureAwait(false);
    }
}
