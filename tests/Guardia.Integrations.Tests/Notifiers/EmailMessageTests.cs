using Guardia.Core.Configuration;
using Guardia.Integrations.Notifiers.Email;
using MimeKit;
using static Guardia.Integrations.Tests.Notifiers.NotifierTestData;

namespace Guardia.Integrations.Tests.Notifiers;

public sealed class EmailMessageTests
{
    static readonly EmailConfig Config = new()
    {
        To = "oncall@tiendi.example",
        From = "guardia@tiendi.example",
        Headers = new Dictionary<string, string>
        {
            ["From"] = "guardia@tiendi.example",
            ["To"] = "oncall@tiendi.example",
            ["Subject"] = "{{ template \"email.default.subject\" . }}",
            ["X-Cluster"] = "{{ .CommonLabels.cluster }}",
        },
    };

    static TheoryDataRow<string, EmailConfig, string, string> Row(string name, EmailConfig config, string header, string expected) =>
        new(name, config, header, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, EmailConfig, string, string>> HeaderCases =>
    [
        Row("default subject",  Config, "Subject", "[FIRING:2] HighErrorRate prod checkout (critical)"),
        Row("from",             Config, "From", "guardia@tiendi.example"),
        Row("to",               Config, "To", "oncall@tiendi.example"),
        Row("custom header",    Config, "X-Cluster", "prod"),
        Row("non-ascii subject", Config with { Headers = new Dictionary<string, string> { ["Subject"] = "Alerta ñandú {{ .Status }}" } }, "Subject", "Alerta ñandú firing"),
    ];

    [Theory]
    [MemberData(nameof(HeaderCases))]
    public void BuildMessage_RendersHeader_AsAlertmanager(string name, EmailConfig config, string header, string expected)
    {
        _ = name;
        var tmpl = Text(Request());

        var message = EmailNotifier.BuildMessage(config, tmpl, Now);

        Assert.Null(tmpl.Error);
        Assert.Equal(expected, message.Headers[header]);
    }

    [Fact]
    public void BuildMessage_HasOnlyHtmlPart_WhenTextIsEmpty()
    {
        var message = EmailNotifier.BuildMessage(Config, Text(Request()), Now);

        var part = Assert.Single(message.BodyParts.OfType<TextPart>());
        Assert.Equal("text/html", part.ContentType.MimeType);
        Assert.Contains("HighErrorRate", part.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildMessage_PutsHtmlLast_WhenBothBodiesAreSet()
    {
        var config = Config with { Text = "{{ range .Alerts }}{{ .Labels.instance }} {{ end }}" };

        var message = EmailNotifier.BuildMessage(config, Text(Request()), Now);

        var parts = message.BodyParts.OfType<TextPart>().ToList();
        Assert.Equal("multipart/alternative", message.Body!.ContentType.MimeType);
        Assert.Equal(["text/plain", "text/html"], parts.Select(p => p.ContentType.MimeType));
        Assert.Equal("checkout-1 checkout-2 ", parts[0].Text);
        Assert.Equal(Now, message.Date);
    }

    [Fact]
    public void BuildMessage_EscapesHtmlBody_ButNotTextBody()
    {
        var config = Config with { Text = "{{ \"<b>\" }}", Html = "{{ \"<b>\" }}" };

        var message = EmailNotifier.BuildMessage(config, Text(Request()), Now);

        var parts = message.BodyParts.OfType<TextPart>().ToList();
        Assert.Equal("<b>", parts[0].Text);
        Assert.Equal("&lt;b&gt;", parts[1].Text);
    }
}
