using System.Diagnostics;
using System.Text;
using Guardia.Core.Templating.Alertmanager;
using Guardia.Server.Cli;

namespace Guardia.IntegrationTests.Templating;

/// <summary>Runs the real <c>amtool template render</c> and <c>guardia template render</c> on the same arguments and compares stdout byte for byte.</summary>
public sealed class AmtoolTemplateParityTests : IDisposable
{
    // Templates a user would keep in a file next to alertmanager.yml: defines, trimming and pipelines.
    const string CustomTemplates = """
        {{ define "custom.title" -}}
          [{{ .Status | toUpper }}] {{ .GroupLabels.SortedPairs.Values | join " / " }}
        {{- end }}

        {{ define "custom.list" }}
        {{- range $i, $a := .Alerts }}
          {{- if $i }}{{ "\n" }}{{ end -}}
          #{{ $i }} {{ $a.Fingerprint }}:
          {{- range $a.Labels.SortedPairs }} {{ .Name }}={{ printf "%q" .Value }}{{ end }}
        {{- end }}
        {{- end }}

        {{ define "custom.block.caller" }}{{ block "custom.block" . }}default block for {{ .Receiver }}{{ end }}{{ end }}
        {{/* a comment that must disappear */}}
        """;

    readonly string _dir;

    public AmtoolTemplateParityTests()
    {
        _dir = Directory.CreateTempSubdirectory("guardia-parity-").FullName;
        // Both tools get Alertmanager's default files explicitly: Debian's amtool does not embed them,
        // and re-parsing them is harmless for a build that does.
        File.WriteAllText(Path.Combine(_dir, "default.tmpl"), NotificationTemplates.DefaultText("default.tmpl"));
        File.WriteAllText(Path.Combine(_dir, "email.tmpl"), NotificationTemplates.DefaultText("email.tmpl"));
        File.WriteAllText(Path.Combine(_dir, "custom.tmpl"), CustomTemplates);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static TheoryDataRow<string, string> Row(string name, string text, string type = "text") => new(text, type) { TestDisplayName = name };

    static readonly string[] DefaultTemplateNames =
    [
        "__alertmanager", "__alertmanagerURL", "__subject", "__description", "slack.default.title", "slack.default.username",
        "slack.default.fallback", "slack.default.callbackid", "slack.default.pretext", "slack.default.titlelink",
        "slack.default.iconemoji", "slack.default.iconurl", "slack.default.text", "slack.default.footer",
        "pagerduty.default.description", "pagerduty.default.client", "pagerduty.default.clientURL", "opsgenie.default.message",
        "opsgenie.default.description", "opsgenie.default.source", "wechat.default.message", "wechat.default.to_user",
        "wechat.default.to_party", "wechat.default.to_tag", "wechat.default.agent_id", "victorops.default.state_message",
        "victorops.default.entity_display_name", "victorops.default.monitoring_tool", "pushover.default.title",
        "pushover.default.message", "pushover.default.url", "sns.default.subject", "sns.default.message",
        "telegram.default.message", "discord.default.title", "discord.default.message", "webex.default.message",
        "email.default.subject", "email.default.html",
    ];

    public static IEnumerable<TheoryDataRow<string, string>> Corpus()
    {
        foreach (var name in DefaultTemplateNames)
        {
            yield return Row($"default {name}", $"{{{{ template \"{name}\" . }}}}");
        }
        yield return Row("default __text_alert_list over alerts", "{{ template \"__text_alert_list\" .Alerts }}");
        yield return Row("default pagerduty.default.instances over alerts", "{{ template \"pagerduty.default.instances\" .Alerts }}");
        yield return Row("default email.default.html as html", "{{ template \"email.default.html\" . }}", "html");
        yield return Row("default email.default.subject as html", "{{ template \"email.default.subject\" . }}", "html");

        // The fixture's receivers (../shared/fixtures/seed-004-tiendi.alertmanager.yml).
        yield return Row("fixture pagerduty description", "{{ .GroupLabels.alertname }}");
        yield return Row("fixture slack critical title", "🚨 CRITICAL: {{ .GroupLabels.alertname }}");
        yield return Row("fixture slack warning title", "⚠️ WARNING: {{ .GroupLabels.alertname }}");
        yield return Row("fixture slack text", "{{ range .Alerts }}{{ .Annotations.description }}{{ end }}");
        yield return Row("fixture slack text with annotations", "{{ range .Alerts }}{{ .Annotations.annotation1 }}{{ .Annotations.aaa }}|{{ end }}");

        yield return Row("custom title with trimming", "{{ template \"custom.title\" . }}");
        yield return Row("custom list with nested ranges", "{{ template \"custom.list\" . }}");
        yield return Row("block default body", "{{ template \"custom.block.caller\" . }}");
        yield return Row("trim markers everywhere", "a  {{- \" b \" -}}  c\n\n  {{- 3 }}  {{ 4 -}}  \n x {{- /* c */ -}} y");
        yield return Row("variables and assignment", "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }} {{ $y := .Receiver }}{{ $y }}");
        yield return Row("range index and map", "{{ range $i, $e := .Alerts }}{{ $i }}={{ $e.Fingerprint }} {{ end }}{{ range $k, $v := .CommonLabels }}{{ $k }}:{{ $v }};{{ end }}");
        yield return Row("break and continue", "{{ range .Alerts }}{{ if eq .Fingerprint \"fingerprint1\" }}{{ continue }}{{ end }}{{ .Fingerprint }}{{ break }}{{ end }}");
        yield return Row("range else and with else", "{{ range .Alerts.Firing }}x{{ else }}none{{ end }} {{ with .Alerts.Resolved }}x{{ else }}no resolved{{ end }} {{ with .ExternalURL }}{{ . }}{{ end }}");
        yield return Row("else if chain", "{{ if eq .Status \"firing\" }}F{{ else if eq .Status \"alertstatus\" }}S{{ else }}O{{ end }}");
        yield return Row("define template block inline", "{{ define \"loc\" }}[{{ . }}]{{ end }}{{ template \"loc\" \"arg\" }}{{ block \"blk\" .Receiver }}<{{ . }}>{{ end }}");
        yield return Row("missing keys with missingkey=zero", "[{{ .CommonLabels.nokey }}]|{{ .GroupLabels.grouplabelkey1 }}|{{ index .CommonLabels \"nokey\" }}|");
        yield return Row("KV methods", "{{ .CommonLabels.Remove .GroupLabels.Names }}|{{ .CommonLabels.Names }}|{{ .CommonLabels.Values }}|{{ .CommonLabels.SortedPairs }}");
        yield return Row("values printed like Go", "{{ .CommonLabels }} {{ .GroupLabels.SortedPairs }} {{ index .GroupLabels.SortedPairs 0 }} {{ printf \"%T %T\" . .Alerts }}");
        yield return Row("printf verbs", "{{ printf \"%s|%d|%v|%q|%5s|%-5s|%%|%x|%X|%.2f|%f|%e|%g|%05d|%+d|%t|%c\" \"a\" 42 3.5 \"q\\\"x\" \"ab\" \"ab\" 255 \"hi\" 3.14159 2.5 123456.789 0.000012345 -42 7 true 65 }}");
        yield return Row("printf widths and floats", "{{ printf \"%6.2f|%-8.3f|%08.3f|%+.1e|%x|%o|%b|%U|%#x|%#o|%.3s|%5.1s\" 3.14159 2.5 -1.5 12345.678 -255 8 5 65 255 8 \"abcdef\" \"xyz\" }}");
        yield return Row("printf rounding and errors", "{{ printf \"%.0f %.0f %.1f %.2f %.3g\" 2.5 3.5 0.05 1.005 1234.5678 }} {{ printf \"%d\" \"str\" }}{{ printf \"%s\" 5 }}{{ printf \"%d %d\" 1 }}{{ printf \"%d\" 1 2 }}");
        yield return Row("float constants", "{{ 1e6 }} {{ 1e21 }} {{ 123456789.0 }} {{ 0.0001 }} {{ 0.00001 }} {{ 100000.0 }} {{ 1.5 }} {{ 'a' }} {{ 0x1F }} {{ 017 }}");
        yield return Row("print and println", "{{ print 1 2 \"a\" \"b\" 3 true false }}{{ println 1 \"a\" 2 }}");
        yield return Row("len index slice", "{{ len \"héllo\" }} {{ index \"abc\" 1 }} {{ slice \"abcdef\" 1 3 }} {{ len .Alerts }} {{ .Alerts | len }} {{ len .CommonLabels }}");
        yield return Row("html js urlquery", "{{ html \"<a href='x'>&\\\"</a>\" }} {{ js \"it's <b>\\\"x\\\" & y=z\\n\" }} {{ urlquery \"a b&c=d/é\" }}");
        yield return Row("comparisons and logic", "{{ eq 1 1 }} {{ eq \"a\" \"b\" \"a\" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt \"b\" \"a\" }} {{ ge 1.5 2.5 }} {{ and 1 0 2 }} {{ or 0 \"\" \"x\" }} {{ not 0 }}");
        yield return Row("alertmanager string functions", "{{ \"hello wORLD\" | toUpper }} {{ \"HeLLo\" | toLower }} {{ \"foo-bar baz_qux it's 3rd x.y ñandú\" | title }}");
        yield return Row("join match reReplaceAll stringSlice", "{{ stringSlice \"a\" \"b\" \"c\" | join \", \" }} {{ match \"^f.o$\" \"foo\" }} {{ reReplaceAll \"(a+)(b)\" \"${2}-$1\" \"xaab aby\" }}");
        yield return Row("safeHtml in html", "{{ .Receiver }} <b>{{ \"<i>x+y</i> & \\\"q\\\" 's\" }}</b> {{ \"<b>\" | safeHtml }}", "html");
        yield return Row("html url attribute query", "<a href=\"{{ .ExternalURL }}?q={{ \"a b&c+d<\\\"\" }}\">", "html");
        yield return Row("html unsafe url scheme", "<a href=\"{{ \"javascript:alert(1)\" }}\">", "html");
        yield return Row("html url path normalised", "<a href=\"{{ \"/p a/th?x=1&y=<>\" }}\"><img src=\"{{ .ExternalURL }}/{{ \"a b\" }}\">", "html");
        yield return Row("html quoted and unquoted attributes", "<a title=\"{{ \"a\\\"b+c\" }}\" data-x='{{ \"q'x\" }}' class={{ \"\" }} id={{ \"a=b c\" }} href={{ \"x y\" }}>{{ \"<>\" }}</a>", "html");
        yield return Row("html predefined escapers are not doubled", "{{ \"<a>&\" | html }} <a href=\"/x?q={{ \"a b\" | urlquery }}\">{{ \"a b+\" | urlquery }}</a> {{ html \"x<\" }} <a title=\"{{ \"<\\\"\" | html }}\" href=\"{{ \"http://x/a b\" | urlquery }}\">", "html");
        yield return Row("chained pipelines", "{{ .Alerts | len | printf \"%d alerts\" }} {{ (len .Alerts) | eq 2 }} {{ \"a\" | printf \"%s-%s\" \"b\" }}");
        yield return Row("with and range declarations", "{{ $a := \"x\" }}{{ with $b := .Receiver }}{{ $a }}{{ $b }}{{ end }}{{ range $i, $p := .CommonLabels.SortedPairs }}{{ if $i }}, {{ end }}{{ $p.Name }}={{ $p.Value }}{{ end }}");
        yield return Row("multi-line text", "Alerts for {{ .Receiver }}:\n{{ range .Alerts -}}\n  * {{ .Labels.instance }}{{ .Labels.foo }}\n{{ end -}}\nend");
        yield return Row("error: field of a string", "before {{ .Receiver.Foo }} after");
        yield return Row("error: missing value for if", "{{ if }}");
        yield return Row("error: undefined function", "{{ nope 1 }}");
        yield return Row("error: template not defined", "{{ template \"nope\" . }}");
        yield return Row("error: wrong argument count", "{{ toUpper \"a\" \"b\" }}");
        yield return Row("error: constant of wrong type", "{{ toUpper 1 }}");
        yield return Row("error: nested value of wrong type", "{{ title (join \",\" (urlquery .Alerts.Firing true)) }}");
        yield return Row("error: index out of range", "{{ printf \"%d\" (index .Alerts 5) }}");
        yield return Row("error: range over a string", "{{ range .Receiver }}x{{ end }}");
        yield return Row("error: multiple definition", "{{ block \"x\" . }}a{{ end }}{{ define \"x\" }}b{{ end }}");
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Render_MatchesAmtoolByteForByte_WhenGivenSameArguments(string text, string type)
    {
        var amtool = FindAmtool();
        Assert.True(amtool is not null, "amtool was not found on PATH or at /usr/bin/amtool; install Debian's prometheus-alertmanager (the test script does).");
        string[] args = ["template", "render", "--template.glob", Path.Combine(_dir, "*.tmpl"), "--template.type", type, "--template.text", text];

        var expected = await RunAsync(amtool, args);
        var guardiaDll = typeof(TemplateCommand).Assembly.Location;
        var actual = await RunAsync(DotnetHost(), [guardiaDll, .. args]);

        // Guards against a corpus that passes only because both tools fail (e.g. a template file that no longer parses).
        var shouldFail = TestContext.Current.Test!.TestDisplayName.Contains("error: ", StringComparison.Ordinal);
        Assert.Equal(shouldFail, expected.ExitCode != 0);
        Assert.Equal(expected.ExitCode == 0, actual.ExitCode == 0);
        Assert.Equal(expected.Stdout, actual.Stdout);
        // Error messages match too, once each tool's own prefix is removed.
        Assert.Equal(expected.Stderr.Replace("amtool: error: ", string.Empty, StringComparison.Ordinal).Trim(),
            actual.Stderr.Replace("guardia: error: ", string.Empty, StringComparison.Ordinal).Trim());
    }

    static string? FindAmtool()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "amtool");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return File.Exists("/usr/bin/amtool") ? "/usr/bin/amtool" : null;
    }

    static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }
}
