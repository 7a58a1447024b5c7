using Guardia.Core.Configuration;
using Guardia.Integrations.Notifiers.MSTeams;
using static Guardia.Integrations.Tests.Notifiers.NotifierTestData;

namespace Guardia.Integrations.Tests.Notifiers;

/// <summary>Alertmanager 0.25 has no msteams_configs: these rows pin 0.26's documented MessageCard shape.</summary>
public sealed class MSTeamsPayloadTests
{
    static TheoryDataRow<string, MSTeamsConfig, bool, string, string?> Row(string name, MSTeamsConfig config, bool resolved, string path, string? expected) =>
        new(name, config, resolved, path, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, MSTeamsConfig, bool, string, string?>> Cases =>
    [
        Row("context",                new MSTeamsConfig(), false, "@context", "http://schema.org/extensions"),
        Row("type",                   new MSTeamsConfig(), false, "type", "MessageCard"),
        Row("default title",          new MSTeamsConfig(), false, "title", "[FIRING:2] HighErrorRate prod checkout (critical)"),
        Row("red while firing",       new MSTeamsConfig(), false, "themeColor", "8C1A1A"),
        Row("green when resolved",    new MSTeamsConfig(), true, "themeColor", "2DC72D"),
        Row("summary rendered",       new MSTeamsConfig { Summary = "{{ .CommonAnnotations.summary }}" }, false, "summary", "Errores"),
        Row("empty text kept",        new MSTeamsConfig { Text = "" }, false, "text", ""),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void BuildPayload_RendersField_AsAlertmanager026(string name, MSTeamsConfig config, bool resolved, string path, string? expected)
    {
        _ = name;
        var request = Request(resolved);
        var tmpl = Text(request);

        var payload = MSTeamsNotifier.BuildPayload(config, tmpl, request.ToTemplateData().Status);

        Assert.Null(tmpl.Error);
        Assert.Equal(expected, SlackPayloadTests.Select(payload, path));
    }
}
