using System.Text.Json.Nodes;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Notify;

namespace Guardia.Integrations.Notifiers.Slack;

/// <summary>Sends Slack incoming-webhook messages with Alertmanager 0.25's payload.</summary>
public sealed class SlackNotifier : JsonNotifier
{
    /// <summary>Slack's limit for an attachment title, in runes.</summary>
    public const int MaxTitleRunes = 1024;

    readonly SlackConfig _config;

    /// <summary>Creates the notifier for one <c>slack_configs</c> entry, posting with <paramref name="http"/> (the client of its <c>http_config</c>).</summary>
    public SlackNotifier(SlackConfig config, NotifierContext context, HttpClient http)
        : base(context, http, (config ?? throw new ArgumentNullException(nameof(config))).HttpConfig)
    {
        _config = config;
    }

    /// <summary>Renders the payload Alertmanager posts for <paramref name="config"/>; <see cref="TemplateText.Error"/> tells whether a field failed.</summary>
    public static JsonObject BuildPayload(SlackConfig config, TemplateText tmpl)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tmpl);
        var (title, _) = TemplateText.Truncate(tmpl.Text(config.Title), MaxTitleRunes);
        var attachment = new JsonObject();
        OmitEmpty(attachment, "title", title);
        OmitEmpty(attachment, "title_link", tmpl.Text(config.TitleLink));
        OmitEmpty(attachment, "pretext", tmpl.Text(config.Pretext));
        attachment["text"] = tmpl.Text(config.Text);
        attachment["fallback"] = tmpl.Text(config.Fallback);
        attachment["callback_id"] = tmpl.Text(config.CallbackId);
        if (config.Fields.Count > 0)
        {
            var fields = new JsonArray();
            foreach (var f in config.Fields)
            {
                // A field without its own short setting takes short_fields, as Alertmanager does.
                fields.Add(new JsonObject
                {
                    ["title"] = tmpl.Text(f.Title),
                    ["value"] = tmpl.Text(f.Value),
                    ["short"] = f.IsShort ?? config.ShortFields,
                });
            }
            attachment["fields"] = fields;
        }
        if (config.Actions.Count > 0)
        {
            var actions = new JsonArray();
            foreach (var a in config.Actions)
            {
                var action = new JsonObject
                {
                    ["type"] = tmpl.Text(a.Type),
                    ["text"] = tmpl.Text(a.Text),
                };
                OmitEmpty(action, "url", tmpl.Text(a.Url));
                OmitEmpty(action, "style", tmpl.Text(a.Style));
                // Alertmanager 0.25 sends a button with a url as a link button: name, value and confirm are dropped.
                if (a.Url.Length == 0)
                {
                    OmitEmpty(action, "name", tmpl.Text(a.Name));
                    OmitEmpty(action, "value", tmpl.Text(a.Value));
                    if (a.ConfirmField is { } c)
                    {
                        var confirm = new JsonObject { ["text"] = tmpl.Text(c.Text) };
                        OmitEmpty(confirm, "title", tmpl.Text(c.Title));
                        OmitEmpty(confirm, "ok_text", tmpl.Text(c.OkText));
                        OmitEmpty(confirm, "dismiss_text", tmpl.Text(c.DismissText));
                        action["confirm"] = confirm;
                    }
                }
                actions.Add(action);
            }
            attachment["actions"] = actions;
        }
        OmitEmpty(attachment, "image_url", tmpl.Text(config.ImageUrl));
        OmitEmpty(attachment, "thumb_url", tmpl.Text(config.ThumbUrl));
        attachment["footer"] = tmpl.Text(config.Footer);
        OmitEmpty(attachment, "color", tmpl.Text(config.Color));
        var mrkdwnIn = config.MrkdwnIn.Count == 0 ? ["fallback", "pretext", "text"] : config.MrkdwnIn;
        var mrkdwn = new JsonArray();
        foreach (var m in mrkdwnIn)
        {
            mrkdwn.Add(m);
        }
        attachment["mrkdwn_in"] = mrkdwn;

        var payload = new JsonObject();
        OmitEmpty(payload, "channel", tmpl.Text(config.Channel));
        OmitEmpty(payload, "username", tmpl.Text(config.Username));
        OmitEmpty(payload, "icon_emoji", tmpl.Text(config.IconEmoji));
        OmitEmpty(payload, "icon_url", tmpl.Text(config.IconUrl));
        if (config.LinkNames)
        {
            payload["link_names"] = true;
        }
        payload["attachments"] = new JsonArray(attachment);
        return payload;
    }

    /// <inheritdoc/>
    public override async Task<NotifyResult> NotifyAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        var tmpl = Context.TextFor(flush, alerts);
        var payload = BuildPayload(_config, tmpl);
        if (tmpl.Error is { } error)
        {
            return NotifyResult.Permanent("template: " + error.Message);
        }
        if (await SecretAsync(_config.ApiUrl, _config.ApiUrlFile, ct).ConfigureAwait(false) is not { } url)
        {
            return NotifyResult.Permanent("no api_url or api_url_file");
        }
        var result = await PostAsync(url, payload, ct).ConfigureAwait(false);
        return result.Error is null ? result : result with { Error = $"channel \"{payload["channel"]}\": {result.Error}" };
    }

    static void OmitEmpty(JsonObject o, string name, string value)
    {
        if (value.Length > 0)
        {
            o[name] = value;
        }
    }
}
