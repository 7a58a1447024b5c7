using Guardia.Server.Cli;

namespace Guardia.Server.Tests.Cli;

public sealed class CheckCommandTests : IDisposable
{
    readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("guardia-check-");

    public void Dispose() => _dir.Delete(recursive: true);

    string Write(string name, string yaml)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void Run_PrintsAmtoolSummaryAndWarnings_WhenConfigHasPlaceholders()
    {
        var file = Write("am.yml", "route:\n  receiver: a\nreceivers:\n  - name: a\n    slack_configs:\n      - api_url: 'YOUR_SLACK_WEBHOOK'\n");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = CheckCommand.Run([file], stdout, stderr);

        Assert.Equal(0, exit);
        Assert.Equal(
            $"Checking '{file}'  SUCCESS\nFound:\n - global config\n - route\n - 0 inhibit rules\n - 1 receivers\n - 0 templates\nWarnings (1):\n"
            + $" - {file}:6:18: \"api_url\" is a placeholder (YOUR_SLACK_WEBHOOK), not a real URL; notifications to it will fail until it is replaced (Alertmanager rejects it: unsupported scheme \"\" for URL)\n\n",
            stdout.ToString().ReplaceLineEndings("\n"));
        Assert.Empty(stderr.ToString());
    }

    [Fact]
    public void Run_PrintsPositionAndFails_WhenConfigIsInvalid()
    {
        var good = Write("good.yml", "route:\n  receiver: a\nreceivers: [{name: a}]\n");
        var bad = Write("bad.yml", "route:\n  receiver: a\n  gruop_wait: 10s\nreceivers: [{name: a}]\n");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = CheckCommand.Run([good, bad], stdout, stderr);

        Assert.Equal(1, exit);
        Assert.Contains($"Checking '{good}'  SUCCESS", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains($"Checking '{bad}'  FAILED: {bad}:3:3: unknown field \"gruop_wait\" (did you mean \"group_wait\"?)\n\n", stdout.ToString().ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal("guardia: error: failed to validate 1 file(s)", stderr.ToString().Trim());
    }

    [Fact]
    public void Run_ReportsMissingFile()
    {
        var stdout = new StringWriter();
        var exit = CheckCommand.Run([Path.Combine(_dir.FullName, "missing.yml")], stdout, new StringWriter());
        Assert.Equal(1, exit);
        Assert.Contains("FAILED:", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("cannot read configuration file", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RoutesTest_ExitsOne_WhenReceiversDoNotMatchExpectation()
    {
        var file = Write("am.yml", "route:\n  receiver: a\n  routes:\n    - matchers: [team=b]\n      receiver: b\nreceivers: [{name: a}, {name: b}]\n");
        var stdout = new StringWriter();

        Assert.Equal(0, RoutesCommand.Test(file, ["team=b"], "b", printTree: false, stdout, new StringWriter()));
        Assert.Equal(1, RoutesCommand.Test(file, ["team=c"], "b", printTree: false, stdout, new StringWriter()));
        Assert.Equal("b\na\nWARNING: Expected receivers did not match resolved receivers.\n", stdout.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void RoutesTest_RejectsNonEqualityLabels()
    {
        var file = Write("am.yml", "route:\n  receiver: a\nreceivers: [{name: a}]\n");
        var stderr = new StringWriter();
        Assert.Equal(1, RoutesCommand.Test(file, ["team=~x"], null, printTree: false, new StringWriter(), stderr));
        Assert.Equal("guardia: error: Failed to parse labels: labels must be specified as key=value pairs", stderr.ToString().Trim());
    }
}
