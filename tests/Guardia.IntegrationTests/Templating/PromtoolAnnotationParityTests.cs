using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Guardia.Core.Templating.Prometheus;

namespace Guardia.IntegrationTests.Templating;

/// <summary>Expands rule annotations with Guardia and lets the real <c>promtool test rules</c> (Prometheus 2.42) check them.</summary>
public sealed class PromtoolAnnotationParityTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("guardia-promtool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Annotation texts from ../shared/fixtures rules, plus every humanize function and printf on $value.
    static readonly string[] Templates =
    [
        "API {{ $labels.instance }} has been down for more than 1 minute",
        "Error rate is {{ $value | humanizePercentage }}",
        "P95 latency is {{ $value }}s",
        "CPU usage is {{ $value }}%",
        "Only {{ $value }}% available",
        "{{ $value | humanize }} {{ $value | humanize1024 }}",
        "{{ $value | humanizeDuration }}",
        "{{ humanizeTimestamp $value }}",
        "{{ printf \"%.2f\" $value }} {{ printf \"%g|%e|%8.3f\" $value $value $value }}",
        "[{{ $labels.missing }}] {{ $labels.job | toUpper }} {{ title \"hello wORLD\" }} {{ if gt $value 1.0 }}big{{ else }}small{{ end }}",
        "{{- range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end -}}",
    ];

    static readonly string[] Values = ["0", "1", "-1", "0.5", "0.001234", "1234", "1234567", "0.05", "0.9999", "12.345", "61", "3661", "90061.5", "0.0005", "1048576", "999.95", "0.12345678", "75.25"];

    [Fact]
    public async Task Expand_MatchesPromtool_ForFixtureAnnotationsAndHumanizeFunctions()
    {
        var promtool = Find("promtool");
        Assert.True(promtool is not null, "promtool was not found on PATH or in /usr/bin; install Debian's prometheus package (the test script does).");

        var rules = new StringBuilder("groups:\n- name: parity\n  rules:\n");
        var tests = new StringBuilder("rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n- interval: 1m\n  input_series:\n");
        for (var v = 0; v < Values.Length; v++)
        {
            tests.Append(CultureInfo.InvariantCulture, $"  - series: 'metric{{job=\"tiendi-api\", instance=\"api-{v}:8080\"}}'\n    values: '{Values[v]}'\n");
        }
        tests.Append("  alert_rule_test:\n");
        for (var t = 0; t < Templates.Length; t++)
        {
            var name = $"Parity{t}";
            rules.Append(CultureInfo.InvariantCulture, $"  - alert: {name}\n    expr: metric\n    annotations:\n      d: {Json(Templates[t])}\n");
            tests.Append(CultureInfo.InvariantCulture, $"  - eval_time: 0m\n    alertname: {name}\n    exp_alerts:\n");
            for (var v = 0; v < Values.Length; v++)
            {
                // $labels are the series' labels as the rule's query returns them (the metric name included, alertname not).
                var labels = new Dictionary<string, string> { ["__name__"] = "metric", ["instance"] = $"api-{v}:8080", ["job"] = "tiendi-api" };
                var value = double.Parse(Values[v], CultureInfo.InvariantCulture);
                var expected = RuleAnnotationTemplate.Expand(name, Templates[t], labels, new Dictionary<string, string>(), string.Empty, value);
                tests.Append(CultureInfo.InvariantCulture, $"    - exp_labels: {{job: tiendi-api, instance: {Json(labels["instance"])}}}\n      exp_annotations: {{d: {Json(expected)}}}\n");
            }
        }
        await File.WriteAllTextAsync(Path.Combine(_dir, "rules.yml"), rules.ToString(), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_dir, "test.yml"), tests.ToString(), TestContext.Current.CancellationToken);

        var psi = new ProcessStartInfo(promtool!) { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("test");
        psi.ArgumentList.Add("rules");
        psi.ArgumentList.Add("test.yml");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output.Length > 4000 ? output[..4000] : output);
    }

    static string Json(string s) => JsonSerializer.Serialize(s);

    static string? Find(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Append("/usr/bin"))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
