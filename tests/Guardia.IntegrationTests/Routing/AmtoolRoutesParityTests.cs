using System.Diagnostics;
using System.Text;

namespace Guardia.IntegrationTests.Routing;

/// <summary>Runs the real <c>amtool config routes [test]</c> and <c>guardia routes [test]</c> on the same input and compares stdout and exit code.</summary>
public sealed class AmtoolRoutesParityTests
{
    static readonly string CorpusDir = Path.Combine(AppContext.BaseDirectory, "Routing", "corpus");

    static readonly string GuardiaDll = typeof(Guardia.Server.Cli.RoutesCommand).Assembly.Location;

    public static IEnumerable<TheoryDataRow<string>> Configs =>
        Directory.EnumerateFiles(CorpusDir, "*.yml").Order(StringComparer.Ordinal).Select(f => new TheoryDataRow<string>(Path.GetFileName(f)) { TestDisplayName = Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task RoutesShow_PrintsWhatAmtoolPrints(string config)
    {
        var file = Path.Combine(CorpusDir, config);
        var amtool = await RunAsync(AmtoolPath(), ["config", "routes", "--config.file", file]);
        var guardia = await RunAsync("dotnet", [GuardiaDll, "routes", "--config.file", file]);
        Assert.Equal(0, amtool.ExitCode);
        Assert.Equal(amtool, guardia);
    }

    static TheoryDataRow<string, string[]> Row(string name, string config, params string[] args) => new(config, args) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string[]>> Cases =>
    [
        Row("tiendi critical goes to pagerduty and slack", "tiendi.yml", "severity=critical", "alertname=HighErrorRate"),
        Row("tiendi warning goes to slack", "tiendi.yml", "severity=warning"),
        Row("tiendi info falls back to default", "tiendi.yml", "severity=info"),
        Row("tiendi no labels", "tiendi.yml"),
        Row("tiendi tree for critical", "tiendi.yml", "--tree", "severity=critical", "service=checkout"),
        Row("tiendi verify passes", "tiendi.yml", "--verify.receivers=pagerduty-critical,slack-critical", "severity=critical"),
        Row("tiendi verify fails", "tiendi.yml", "--verify.receivers=slack-critical", "severity=critical"),
        Row("simple foo1 critical", "simple.yml", "service=foo1", "severity=critical"),
        Row("simple baz warning", "simple.yml", "service=baz", "severity=warning"),
        Row("simple files critical tree", "simple.yml", "--tree", "service=files", "severity=critical"),
        Row("simple database team X continues", "simple.yml", "service=database", "owner=team-X"),
        Row("simple database team Y", "simple.yml", "--tree", "service=database", "owner=team-Y"),
        Row("simple anchored regex does not match prefix", "simple.yml", "service=foo10"),
        Row("continue critical", "continue.yml", "severity=critical"),
        Row("continue page only", "continue.yml", "--tree", "severity=page"),
        Row("continue payments prod", "continue.yml", "team=payments", "env=prod"),
        Row("continue payments staging warning", "continue.yml", "--tree", "team=payments", "env=staging", "severity=warning"),
        Row("continue payments dev", "continue.yml", "team=payments", "env=dev"),
        Row("continue warning stops before never-reached", "continue.yml", "--tree", "severity=warning"),
        Row("continue nothing", "continue.yml", "--tree", "team=other"),
        Row("groupby team a critical", "groupby.yml", "--tree", "team=a", "severity=critical"),
        Row("groupby team b", "groupby.yml", "team=b"),
        Row("groupby team c", "groupby.yml", "--tree", "team=c", "cluster=eu"),
        Row("matchers prod warning", "matchers.yml", "env=prod-eu", "severity=warning"),
        Row("matchers prod info excluded", "matchers.yml", "env=prod", "severity=info", "service=x"),
        Row("matchers empty team equals absent", "matchers.yml", "--tree", "service=api"),
        Row("matchers explicit empty team value", "matchers.yml", "service=api", "team="),
        Row("matchers quoted value", "matchers.yml", "msg=disk \"full\" on /", "team=x"),
        Row("matchers quoted label argument", "matchers.yml", "msg=\"disk \\\"full\\\" again\"", "team=x"),
        Row("matchers backslash", "matchers.yml", "path=C:\\temp", "team=x"),
        Row("matchers other zone", "matchers.yml", "--tree", "zone=ap-south", "region=in", "team=x"),
        Row("matchers eu zone is excluded", "matchers.yml", "zone=eu-west", "region=ie", "team=x"),
        Row("matchers case-insensitive regex", "matchers.yml", "instance=db-42", "team=x"),
        Row("matchers unicode", "matchers.yml", "equipo=señal", "team=x"),
        Row("nested payments critical", "nested.yml", "--tree", "region=eu", "cluster=eu-2", "namespace=payments", "severity=critical"),
        Row("nested kube namespace", "nested.yml", "region=eu", "cluster=eu-1", "namespace=kube-system"),
        Row("nested cluster without namespace inherits", "nested.yml", "--tree", "region=eu", "cluster=eu-1"),
        Row("nested eu3", "nested.yml", "region=eu", "cluster=eu-3"),
        Row("nested us non critical falls back", "nested.yml", "--tree", "region=us", "severity=warning"),
        Row("nested us critical", "nested.yml", "region=us", "severity=critical"),
        Row("intervals warning", "intervals.yml", "--tree", "severity=warning"),
        Row("intervals critical", "intervals.yml", "severity=critical"),
        Row("legacy api prod", "legacy.yml", "--tree", "service=api", "env=prod", "severity=error", "team=core"),
        Row("legacy api prod wrong team", "legacy.yml", "service=api", "env=prod", "severity=error", "team=edge"),
        Row("legacy node exporter", "legacy.yml", "instance=host:9100", "job=node-exporter"),
        Row("legacy watchdog", "legacy.yml", "--tree", "alertname=Watchdog"),
        Row("teams frontend critical", "teams.yml", "--tree", "team=frontend", "severity=critical"),
        Row("teams frontend info", "teams.yml", "team=frontend", "severity=info"),
        Row("teams backend continues", "teams.yml", "--tree", "team=backend", "alertname=KubePodCrashLooping"),
        Row("teams data", "teams.yml", "team=data"),
        Row("teams platform", "teams.yml", "alertname=KubeNodeNotReady"),
        Row("teams verify mismatch", "teams.yml", "--verify.receivers=backend", "team=backend"),
        Row("duplicate label last wins", "teams.yml", "team=frontend", "team=data"),
        Row("regex label is rejected", "teams.yml", "team=~front.*"),
        Row("negative label is rejected", "teams.yml", "team!=frontend"),
        Row("malformed label is rejected", "teams.yml", "team"),
        Row("unterminated quote is rejected", "teams.yml", "team=\"frontend"),
        // Code points outside the BMP, negated classes and scoped flags: .NET differs from RE2 there unless translated.
        Row("unicode semantics 00: x=😀", "unicode.yml", "x=😀"),
        Row("unicode semantics 01: x=😀😀", "unicode.yml", "x=😀😀"),
        Row("unicode semantics 02: x=ab", "unicode.yml", "x=ab"),
        Row("unicode semantics 03: x=a", "unicode.yml", "x=a"),
        Row("unicode semantics 04: x=\"a\\nb\"", "unicode.yml", "x=\"a\\nb\""),
        Row("unicode semantics 05: x=é", "unicode.yml", "x=é"),
        Row("unicode semantics 06: x=É", "unicode.yml", "x=É"),
        Row("unicode semantics 07: x=1", "unicode.yml", "x=1"),
        Row("unicode semantics 08: x=a😀b", "unicode.yml", "x=a😀b"),
        Row("unicode semantics 09: x=\"a\\nbc\"", "unicode.yml", "x=\"a\\nbc\""),
        Row("unicode semantics 10: x=😀a", "unicode.yml", "x=😀a"),
        Row("unicode semantics 11: x=ñ😀", "unicode.yml", "x=ñ😀"),
        Row("unicode semantics 12: x=\" \"", "unicode.yml", "x=\" \""),
        Row("unicode semantics 13: x=a-", "unicode.yml", "x=a-"),
        Row("unicode semantics 14: x=\"a\\n\"", "unicode.yml", "x=\"a\\n\""),
        // Go's RE2 is the oracle for regex semantics: every route of regex.yml continues, so amtool lists all that match.
        Row("regex semantics for x=123", "regex.yml", "x=123"),
        Row("regex semantics for x=abc", "regex.yml", "x=abc"),
        Row("regex semantics for x=ABC", "regex.yml", "x=ABC"),
        Row("regex semantics for x=\"a\\n\"", "regex.yml", "x=\"a\\n\""),
        Row("regex semantics for x=a", "regex.yml", "x=a"),
        Row("regex semantics for x=señal", "regex.yml", "x=señal"),
        Row("regex semantics for x=Ωmega", "regex.yml", "x=Ωmega"),
        Row("regex semantics for x=ohmmega", "regex.yml", "x=Ωmega"),
        Row("regex semantics for x=٣", "regex.yml", "x=٣"),
        Row("regex semantics for x=a.b", "regex.yml", "x=a.b"),
        Row("regex semantics for x=aXb", "regex.yml", "x=aXb"),
        Row("regex semantics for x=foo-12", "regex.yml", "x=foo-12"),
        Row("regex semantics for x=a b", "regex.yml", "x=a b"),
        Row("regex semantics for x=", "regex.yml", "x="),
        Row("regex semantics for x=aa", "regex.yml", "x=aa"),
        Row("regex semantics for x=xxx", "regex.yml", "x=xxx"),
        Row("regex semantics for x=ababab", "regex.yml", "x=ababab"),
        Row("regex semantics for x=api.example.org", "regex.yml", "x=api.example.org"),
        Row("regex semantics for x=PROD", "regex.yml", "x=PROD"),
        Row("regex semantics for x=ab]c", "regex.yml", "x=ab]c"),
        Row("regex semantics for x=Ab", "regex.yml", "x=Ab"),
        Row("regex semantics for x=a{,2}", "regex.yml", "x=a{,2}"),
        Row("regex semantics for x=\"a\\nb\"", "regex.yml", "x=\"a\\nb\""),
        Row("regex semantics for x=12-34", "regex.yml", "x=12-34"),
        Row("regex semantics for x=!?", "regex.yml", "x=!?"),
        Row("regex semantics for x=fF", "regex.yml", "x=fF"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RoutesTest_PrintsWhatAmtoolPrints(string config, string[] args)
    {
        var file = Path.Combine(CorpusDir, config);
        var amtool = await RunAsync(AmtoolPath(), ["config", "routes", "test", "--config.file", file, .. args]);
        var guardia = await RunAsync("dotnet", [GuardiaDll, "routes", "test", "--config.file", file, .. args]);
        Assert.Equal(amtool, guardia);
    }

    [Fact]
    public async Task SeedFixture_LoadsInGuardiaWithWarnings_WhereAmtoolRejectsIt()
    {
        // The raw seed has placeholder webhook URLs: Alertmanager refuses the file, Guardia loads it and says why it will not deliver.
        var file = Path.Combine(AppContext.BaseDirectory, "Routing", "divergent", "seed-004-tiendi.alertmanager.yml");
        var amtool = await RunAsync(AmtoolPath(), ["check-config", file]);
        var guardia = await RunAsync("dotnet", [GuardiaDll, "check", "--config.file", file]);
        Assert.Equal(1, amtool.ExitCode);
        Assert.Contains("unsupported scheme \"\" for URL", amtool.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, guardia.ExitCode);
        Assert.Contains("SUCCESS", guardia.Stdout, StringComparison.Ordinal);
        Assert.Contains("seed-004-tiendi.alertmanager.yml:50:18: \"api_url\" is a placeholder (YOUR_SLACK_WEBHOOK)", guardia.Stdout, StringComparison.Ordinal);
        var routes = await RunAsync("dotnet", [GuardiaDll, "routes", "test", "--config.file", file, "severity=critical"]);
        Assert.Equal(new RunResult("pagerduty-critical,slack-critical\n", 0), routes);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task Check_AgreesWithAmtoolCheckConfig(string config)
    {
        var file = Path.Combine(CorpusDir, config);
        var amtool = await RunAsync(AmtoolPath(), ["check-config", file]);
        var guardia = await RunAsync("dotnet", [GuardiaDll, "check", "--config.file", file]);
        Assert.Equal(amtool.ExitCode, guardia.ExitCode);
        // Guardia adds a warnings block after amtool's summary; everything amtool prints comes first and unchanged.
        Assert.StartsWith(amtool.Stdout.TrimEnd('\n'), guardia.Stdout, StringComparison.Ordinal);
    }

    static string AmtoolPath()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Append("/usr/bin"))
        {
            var candidate = Path.Combine(dir, "amtool");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        Assert.Fail("amtool is not installed; the parity tests need the real one (Debian package prometheus-alertmanager, installed by the repo's test script).");
        return string.Empty;
    }

    sealed record RunResult(string Stdout, int ExitCode);

    static async Task<RunResult> RunAsync(string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        _ = await stderr;
        return new RunResult(await stdout, process.ExitCode);
    }
}
