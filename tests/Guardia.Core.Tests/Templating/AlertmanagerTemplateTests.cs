using Guardia.Core.Alerts;
using Guardia.Core.Templating;
using Guardia.Core.Templating.Alertmanager;
using Microsoft.Extensions.Time.Testing;

namespace Guardia.Core.Tests.Templating;

public sealed class AlertmanagerTemplateTests
{
    static readonly DateTimeOffset Now = new(2024, 3, 10, 12, 0, 0, TimeSpan.Zero);

    static Alert NewAlert(string name, string instance, bool resolved, string summary) => new()
    {
        Labels = LabelSet.Of(("alertname", name), ("instance", instance), ("severity", "critical"), ("team", "backend")),
        Annotations = LabelSet.Of(("summary", summary), ("runbook", "https://runbook.tiendi.pe/api-down")),
        StartsAt = Now.AddMinutes(-7),
        EndsAt = resolved ? Now.AddMinutes(-1) : Now.AddMinutes(5),
        GeneratorUrl = "http://prometheus:9090/graph?g0.expr=up",
    };

    static TemplateData Data(params Alert[] alerts) =>
        TemplateData.Create("slack-critical", LabelSet.Of(("alertname", "APIDown")), alerts, "https://guardia.example", Now);

    static NotificationTemplates Templates(string language = "en") => NotificationTemplates.Create([], new FakeTimeProvider(Now), language);

    [Fact]
    public void Create_ComputesStatusesAndCommonLabels_AsAlertmanagerDoes()
    {
        var data = Data(NewAlert("APIDown", "api-1", resolved: false, "API is down"), NewAlert("APIDown", "api-2", resolved: true, "API is down"));
        Assert.Equal("firing", data.Status);
        Assert.Equal(["firing", "resolved"], data.Alerts.Select(a => a.Status));
        Assert.Equal("map[alertname:APIDown severity:critical team:backend]", data.CommonLabels.ToString());
        Assert.Equal("map[runbook:https://runbook.tiendi.pe/api-down summary:API is down]", data.CommonAnnotations.ToString());
        Assert.Equal("slack-critical", data.Receiver);
    }

    [Fact]
    public void Create_QuotesReceiverForRegexp_AsAlertmanagerDoes()
    {
        var data = TemplateData.Create("team.a (prod)", LabelSet.Empty, [], "", Now);
        Assert.Equal(@"team\.a \(prod\)", data.Receiver);
        Assert.Equal("resolved", data.Status);
    }

    static TheoryDataRow<string, string> Row(string name, string text, string expected) => new(text, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string>> EnglishCases =>
    [
        Row("subject", "{{ template \"__subject\" . }}", "[FIRING:1] APIDown (api-1 critical backend)"),
        Row("slack title link", "{{ template \"slack.default.titlelink\" . }}", "https://guardia.example/#/alerts?receiver=slack-critical"),
        Row("alert list", "{{ template \"__text_alert_list\" .Alerts }}",
            "Labels:\n - alertname = APIDown\n - instance = api-1\n - severity = critical\n - team = backend\n"
            + "Annotations:\n - runbook = https://runbook.tiendi.pe/api-down\n - summary = API is down\nSource: http://prometheus:9090/graph?g0.expr=up\n"),
        Row("sorted pairs put alertname first", "{{ range .CommonLabels.SortedPairs }}{{ .Name }} {{ end }}", "alertname instance severity team "),
        Row("remove and names", "{{ (.CommonLabels.Remove .GroupLabels.Names).Names }}", "[instance severity team]"),
        Row("values joined", "{{ .CommonLabels.Values | join \",\" }}", "APIDown,api-1,critical,backend"),
        Row("firing and resolved", "{{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }}", "1/0"),
        Row("missing label is empty", "[{{ .CommonLabels.nope }}]", "[]"),
        Row("time prints like Go", "{{ (index .Alerts 0).StartsAt }}", "2024-03-10 11:53:00 +0000 UTC"),
        Row("date with Go layout", "{{ (index .Alerts 0).StartsAt | date \"Mon Jan 2 15:04:05 MST 2006\" }}", "Sun Mar 10 11:53:00 UTC 2024"),
        Row("date with RFC3339", "{{ date \"2006-01-02T15:04:05Z07:00\" (index .Alerts 0).StartsAt }}", "2024-03-10T11:53:00Z"),
        Row("tz converts zone", "{{ (index .Alerts 0).StartsAt | tz \"America/Lima\" | date \"15:04 -07:00 MST\" }}", "06:53 -05:00 -05"),
        Row("since uses the clock", "{{ (index .Alerts 0).StartsAt | since }}", "7m0s"),
        Row("humanizeDuration of since", "{{ (index .Alerts 0).StartsAt | since | humanizeDuration }}", "7m 0s"),
        Row("string functions", "{{ \"hello wORLD\" | title }} {{ \"x\" | toUpper }} {{ \"  y \" | trimSpace }} {{ \"AB\" | toLower }}", "Hello World X y ab"),
        Row("regexp functions", "{{ match \"^api-[0-9]$\" \"api-1\" }} {{ reReplaceAll \"(a+)(b)\" \"${2}-$1\" \"xaab aby\" }}", "true xb-aa b-ay"),
        Row("url unescape", "{{ urlUnescape \"a%20b+c\" }}", "a b c"),
        Row("string slice", "{{ stringSlice \"a\" \"b\" | join \"|\" }}", "a|b"),
    ];

    [Theory]
    [MemberData(nameof(EnglishCases))]
    public void ExecuteText_RendersAlertmanagerTexts_WhenLanguageIsEnglish(string text, string expected)
    {
        var data = Data(NewAlert("APIDown", "api-1", resolved: false, "API is down"));
        Assert.Equal(expected, Templates().ExecuteText(text, data));
    }

    public static IEnumerable<TheoryDataRow<string, string>> SpanishCases =>
    [
        Row("subject firing", "{{ template \"__subject\" . }}", "[ACTIVA:1] APIDown (api-1 critical backend)"),
        Row("alert list", "{{ template \"__text_alert_list\" .Alerts }}",
            "Etiquetas:\n - alertname = APIDown\n - instance = api-1\n - severity = critical\n - team = backend\n"
            + "Anotaciones:\n - runbook = https://runbook.tiendi.pe/api-down\n - summary = API is down\nOrigen: http://prometheus:9090/graph?g0.expr=up\n"),
        Row("telegram message", "{{ template \"telegram.default.message\" . }}", "\nAlertas activas:\nEtiquetas:\n - alertname = APIDown\n - instance = api-1\n - severity = critical\n - team = backend\nAnotaciones:\n - runbook = https://runbook.tiendi.pe/api-down\n - summary = API is down\nOrigen: http://prometheus:9090/graph?g0.expr=up\n\n\n"),
        Row("teams text", "{{ template \"msteams.default.text\" . }}", "\n\n# Alertas activas:\n\nEtiquetas:\n  - alertname = APIDown\n  - instance = api-1\n  - severity = critical\n  - team = backend\n\nAnotaciones:\n  - runbook = https://runbook.tiendi.pe/api-down\n  - summary = API is down\n\nOrigen: http://prometheus:9090/graph?g0.expr=up\n\n\n\n\n"),
        Row("untranslated templates stay", "{{ template \"slack.default.username\" . }}", "Alertmanager"),
    ];

    [Theory]
    [MemberData(nameof(SpanishCases))]
    public void ExecuteText_RendersSpanishTexts_WhenLanguageIsSpanish(string text, string expected)
    {
        var data = Data(NewAlert("APIDown", "api-1", resolved: false, "API is down"));
        Assert.Equal(expected, Templates("es").ExecuteText(text, data));
    }

    [Fact]
    public void ExecuteText_SaysResuelta_WhenAllAlertsResolved()
    {
        var data = Data(NewAlert("APIDown", "api-1", resolved: true, "API is down"));
        Assert.Equal("[RESUELTA] APIDown (api-1 critical backend)", Templates("es").ExecuteText("{{ template \"__subject\" . }}", data));
        Assert.Equal("[RESOLVED] APIDown (api-1 critical backend)", Templates().ExecuteText("{{ template \"__subject\" . }}", data));
    }

    [Fact]
    public void Create_DefinesEveryAlertmanagerDefaultTemplate()
    {
        var names = Templates().TemplateNames;
        string[] expected =
        [
            "__alertmanager", "__alertmanagerURL", "__subject", "__description", "__text_alert_list",
            "slack.default.title", "slack.default.username", "slack.default.fallback", "slack.default.callbackid",
            "slack.default.pretext", "slack.default.titlelink", "slack.default.iconemoji", "slack.default.iconurl",
            "slack.default.text", "slack.default.footer", "pagerduty.default.description", "pagerduty.default.client",
            "pagerduty.default.clientURL", "pagerduty.default.instances", "opsgenie.default.message",
            "opsgenie.default.description", "opsgenie.default.source", "wechat.default.message", "wechat.default.to_user",
            "wechat.default.to_party", "wechat.default.to_tag", "wechat.default.agent_id", "victorops.default.state_message",
            "victorops.default.entity_display_name", "victorops.default.monitoring_tool", "pushover.default.title",
            "pushover.default.message", "pushover.default.url", "sns.default.subject", "sns.default.message",
            "telegram.default.message", "discord.default.title", "discord.default.message", "webex.default.message",
            "email.default.subject", "email.default.html", "msteams.default.summary", "msteams.default.title", "msteams.default.text",
        ];
        Assert.Empty(expected.Except(names));
    }

    [Fact]
    public void DefaultText_IsAlertmanagerFileByteForByte()
    {
        var text = NotificationTemplates.DefaultText("default.tmpl");
        Assert.StartsWith("{{ define \"__alertmanager\" }}Alertmanager{{ end }}\n", text, StringComparison.Ordinal);
        Assert.Equal(5233, System.Text.Encoding.UTF8.GetByteCount(text));
        Assert.Equal(14084, System.Text.Encoding.UTF8.GetByteCount(NotificationTemplates.DefaultText("email.tmpl")));
    }

    [Fact]
    public void ExecuteHtml_EscapesLabelValues_InEmailTemplate()
    {
        var alert = NewAlert("APIDown", "<api-1>", resolved: false, "A & B");
        var html = Templates().ExecuteHtml("{{ template \"email.default.html\" . }}", Data(alert));
        Assert.Contains("instance = &lt;api-1&gt;<br", html, StringComparison.Ordinal);
        Assert.Contains("summary = A &amp; B<br", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<!--", html, StringComparison.Ordinal);
    }

    public static IEnumerable<TheoryDataRow<string, string>> ArgumentErrors =>
    [
        Row("count is checked before arguments run", "{{ toUpper (index .Alerts 9) \"b\" }}", "template: :1:3: executing \"\" at <toUpper>: wrong number of args for toUpper: want 1 got 2"),
        Row("constant of the wrong type is named", "{{ toUpper 1 }}", "template: :1:11: executing \"\" at <1>: expected string; found 1"),
        Row("non-string constant for a slice", "{{ join \",\" 0 }}", "template: :1:12: executing \"\" at <0>: can't handle 0 for arg of type []string"),
        Row("nil for a string", "{{ toUpper nil }}", "template: :1:11: executing \"\" at <nil>: cannot assign nil to string"),
        Row("piped value of the wrong type", "{{ .Alerts | len | toUpper }}", "template: :1:19: executing \"\" at <toUpper>: wrong type for value; expected string; got int"),
    ];

    [Theory]
    [MemberData(nameof(ArgumentErrors))]
    public void ExecuteText_ReportsArgumentErrorsWhereGoDoes_WhenFunctionIsMisused(string text, string message)
    {
        var data = Data(NewAlert("APIDown", "api-1", resolved: false, "API is down"));
        var e = Assert.Throws<TemplateException>(() => Templates().ExecuteText(text, data));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Create_Throws_WhenLanguageIsUnknown()
    {
        Assert.Throws<ArgumentException>(() => Templates("fr"));
    }

    [Fact]
    public void Create_ReportsFileAndLine_WhenUserTemplateIsInvalid()
    {
        var e = Assert.Throws<TemplateException>(() => NotificationTemplates.Create([("custom.tmpl", "{{ define \"x\" }}\n{{ if }}{{ end }}{{ end }}")], TimeProvider.System));
        Assert.Equal("template: custom.tmpl:2: missing value for if", e.Message);
    }

    static TheoryDataRow<string, string, string> Zone(string name, string zone, string instant, string expected) => new(zone, instant, expected) { TestDisplayName = name };

    // Abbreviations are tzdata's, as Go prints them for time.LoadLocation zones.
    public static IEnumerable<TheoryDataRow<string, string, string>> Zones =>
    [
        Zone("Lima has a numeric abbreviation", "America/Lima", "2024-03-10T11:53:00Z", "06:53 -0500 -05"),
        Zone("Berlin in winter", "Europe/Berlin", "2024-01-15T12:00:00Z", "13:00 +0100 CET"),
        Zone("Berlin in summer", "Europe/Berlin", "2024-07-15T12:00:00Z", "14:00 +0200 CEST"),
        Zone("New York in summer", "America/New_York", "2024-07-15T12:00:00Z", "08:00 -0400 EDT"),
        Zone("Kolkata half hour", "Asia/Kolkata", "2024-07-15T12:00:00Z", "17:30 +0530 IST"),
        Zone("UTC", "UTC", "2024-07-15T12:00:00Z", "12:00 +0000 UTC"),
    ];

    [Theory]
    [MemberData(nameof(Zones))]
    public void Tz_UsesTzdataAbbreviation_WhenFormattingWithMST(string zone, string instant, string expected)
    {
        var data = new Dictionary<string, object?> { ["T"] = GoTime.From(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)) };
        Assert.Equal(expected, Templates().ExecuteText($"{{{{ .T | tz \"{zone}\" | date \"15:04 -0700 MST\" }}}}", data));
    }

    [Fact]
    public void Title_CapitalisesWords_AsGoTextCasesDoes()
    {
        Assert.Equal("Foo-Bar Baz_qux It's O'neil 3Rd X.y Ñandú Über", AlertmanagerFunctions.Title("foo-bar baz_qux it's o'neil 3rd x.y ñandú über"));
    }
}
