using System.Text.Json.Nodes;
using Guardia.Core.Configuration;
using Guardia.Integrations.Notifiers.Slack;
using static Guardia.Integrations.Tests.Notifiers.NotifierTestData;

namespace Guardia.Integrations.Tests.Notifiers;

public sealed class SlackPayloadTests
{
    static readonly SlackConfig Seed = new()
    {
        Channel = "#alerts-critical",
        Title = "🚨 CRITICAL: {{ .GroupLabels.alertname }}",
        Text = "{{ range .Alerts }}{{ .Annotations.description }}{{ end }}",
    };

    static TheoryDataRow<string, SlackConfig, bool, string, string?> Row(string name, SlackConfig config, bool resolved, string path, string? expected) =>
        new(name, config, resolved, path, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, SlackConfig, bool, string, string?>> Cases =>
    [
        Row("seed title",                     Seed, false, "attachments[0].title", "🚨 CRITICAL: HighErrorRate"),
        Row("seed text joins descriptions",   Seed, false, "attachments[0].text", "5xx en checkout-15xx en checkout-2"),
        Row("channel",                        Seed, false, "channel", "#alerts-critical"),
        Row("default username",               Seed, false, "username", "Alertmanager"),
        Row("default color firing",           Seed, false, "attachments[0].color", "danger"),
        Row("default color resolved",         Seed, true, "attachments[0].color", "good"),
        Row("default title",                  new SlackConfig(), false, "attachments[0].title", "[FIRING:2] HighErrorRate prod checkout (critical)"),
        Row("default title resolved",         new SlackConfig(), true, "attachments[0].title", "[RESOLVED] HighErrorRate prod checkout (critical)"),
        Row("default title link",             new SlackConfig(), false, "attachments[0].title_link", "http://guardia:9093/#/alerts?receiver=slack-critical"),
        Row("default fallback",               new SlackConfig(), false, "attachments[0].fallback", "[FIRING:2] HighErrorRate prod checkout (critical) | http://guardia:9093/#/alerts?receiver=slack-critical"),
        Row("empty pretext omitted",          new SlackConfig(), false, "attachments[0].pretext", null),
        Row("empty footer kept",              new SlackConfig(), false, "attachments[0].footer", ""),
        Row("empty icon omitted",             new SlackConfig(), false, "icon_emoji", null),
        Row("link_names false omitted",       new SlackConfig(), false, "link_names", null),
        Row("link_names true",                new SlackConfig { LinkNames = true }, false, "link_names", "true"),
        Row("mrkdwn_in default",              new SlackConfig(), false, "attachments[0].mrkdwn_in", "[\"fallback\",\"pretext\",\"text\"]"),
        Row("mrkdwn_in set",                  new SlackConfig { MrkdwnIn = ["title"] }, false, "attachments[0].mrkdwn_in", "[\"title\"]"),
        Row("field short from short_fields",  new SlackConfig { ShortFields = true, Fields = [new SlackField("c", "{{ .CommonLabels.cluster }}", null)] }, false, "attachments[0].fields", "[{\"title\":\"c\",\"value\":\"prod\",\"short\":true}]"),
        Row("field short overrides",          new SlackConfig { ShortFields = true, Fields = [new SlackField("c", "v", false)] }, false, "attachments[0].fields", "[{\"title\":\"c\",\"value\":\"v\",\"short\":false}]"),
        Row("link button drops name",         new SlackConfig { Actions = [new SlackAction { Type = "button", Text = "t", Url = "u", Name = "n" }] }, false, "attachments[0].actions", "[{\"type\":\"button\",\"text\":\"t\",\"url\":\"u\"}]"),
        Row("action button keeps name",       new SlackConfig { Actions = [new SlackAction { Type = "button", Text = "t", Name = "n", Value = "{{ .Status }}" }] }, false, "attachments[0].actions", "[{\"type\":\"button\",\"text\":\"t\",\"name\":\"n\",\"value\":\"firing\"}]"),
        Row("title truncated to 1024 runes",  new SlackConfig { Title = new string('é', 1030) }, false, "attachments[0].title", new string('é', 1021) + "..."),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void BuildPayload_RendersField_AsAlertmanager(string name, SlackConfig config, bool resolved, string path, string? expected)
    {
        _ = name;
        var tmpl = Text(Request(resolved));

        var payload = SlackNotifier.BuildPayload(config, tmpl);

        Assert.Null(tmpl.Error);
        Assert.Equal(expected, Select(payload, path));
    }

    [Fact]
    public void BuildPayload_ReportsError_WhenTemplateFails()
    {
        var tmpl = Text(Request());

        SlackNotifier.BuildPayload(Seed with { Title = "{{ template \"missing\" . }}" }, tmpl);

        Assert.NotNull(tmpl.Error);
    }

    /// <summary>The value at a dotted path with [i] indexes: strings unquoted, other nodes as JSON, null when absent.</summary>
    internal static string? Select(JsonNode node, string path)
    {
        JsonNode? current = node;
        foreach (var part in path.Split('.'))
        {
            var name = part;
            int? index = null;
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0)
            {
                name = part[..bracket];
                index = int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
            }
            current = current is JsonObject o && o.TryGetPropertyValue(name, out var v) ? v : null;
            if (index is { } i)
            {
                current = current is JsonArray a && a.Count > i ? a[i] : null;
            }
            if (current is null)
            {
                return null;
            }
        }
        return current is JsonValue value && value.TryGetValue<string>(out var s) ? s : current!.ToJsonString();
    }
}
