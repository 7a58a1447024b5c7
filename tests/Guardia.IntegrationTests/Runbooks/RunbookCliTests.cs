using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Runbooks;

public sealed class RunbookCliTests
{
    static string Examples => Path.Combine(Binaries.RepositoryRoot, "examples", "runbooks");

    static string SeedDir => Path.Combine(Binaries.RepositoryRoot, "tests", "Guardia.Core.Tests", "Runbooks", "testdata", "seeds");

    [Fact]
    public async Task Import_WritesRunbooksThatListAndRulesThatPromtoolAccepts()
    {
        var outDir = Directory.CreateTempSubdirectory("guardia-import-");
        try
        {
            var seeds = Directory.GetFiles(SeedDir, "*.md").Order(StringComparer.Ordinal).ToArray();

            var (code, stdout, stderr) = await Binaries.RunGuardiaAsync(["runbook", "import", .. seeds, "--out", outDir.FullName]);

            Assert.True(code == 0, stderr);
            Assert.Equal(5, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Equal(5, Directory.GetFiles(outDir.FullName, "*.import-report.md").Length);
            var rules = Directory.GetFiles(outDir.FullName, "*.rules.yml");
            Assert.Equal(2, rules.Length);
            var (promCode, promOut, promErr) = await ExternalProcess.RunAsync("/usr/bin/promtool", ["check", "rules", .. rules]);
            Assert.True(promCode == 0, promOut + promErr);

            var (listCode, list, listErr) = await Binaries.RunGuardiaAsync("runbook", "list", "--runbooks.dir", outDir.FullName);
            Assert.True(listCode == 0, listErr);
            Assert.Contains("worker-sync", list, StringComparison.Ordinal);
            Assert.Contains("monitoreo-y-operaciones-tiendi", list, StringComparison.Ordinal);
        }
        finally
        {
            outDir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task List_ShowsTheShippedExamples()
    {
        var (code, stdout, stderr) = await Binaries.RunGuardiaAsync("runbook", "list", "--runbooks.dir", Examples);

        Assert.True(code == 0, stderr);
        foreach (var id in new[] { "tenant-backlog", "inventory-outbound-recovery", "worker-sync", "minimarket-dashboard", "tiendi-monitoring" })
        {
            Assert.Contains(id, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DryRun_PrintsResolvedSteps_AndRefusesBadParameters()
    {
        var (code, stdout, stderr) = await Binaries.RunGuardiaAsync("runbook", "dry-run", "tenant-backlog", "--runbooks.dir", Examples, "--param", "N=7", "--section", "diagnosis", "--auto");

        Assert.True(code == 0, stderr);
        Assert.Contains("Dry-run of tenant-backlog (4 steps; nothing runs)", stdout, StringComparison.Ordinal);
        Assert.Contains("N=7", stdout, StringComparison.Ordinal);
        Assert.Contains("PROMETHEUS_URL=http://127.0.0.1:9090", stdout, StringComparison.Ordinal);

        var (badCode, _, badErr) = await Binaries.RunGuardiaAsync("runbook", "dry-run", "tenant-backlog", "--runbooks.dir", Examples, "--param", "N=7; reboot");
        Assert.Equal(1, badCode);
        Assert.Contains("parameter \"N\"", badErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("show", "no-such-runbook", "no runbook \"no-such-runbook\"")]
    [InlineData("dry-run", "no-such-runbook", "no runbook \"no-such-runbook\"")]
    public async Task Commands_FailClearly_ForUnknownRunbooks(string verb, string id, string message)
    {
        var (code, _, stderr) = await Binaries.RunGuardiaAsync("runbook", verb, id, "--runbooks.dir", Examples);

        Assert.Equal(1, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ReportsTheFileAndLine_OfAnInvalidRunbook()
    {
        var dir = Directory.CreateTempSubdirectory("guardia-runbooks-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "bad.md"), "---\nid: bad\ntitle: Bad\n---\n## Diagnosis\n```shell {id=x timeout=later}\necho\n```\n", TestContext.Current.CancellationToken);

            var (code, _, stderr) = await Binaries.RunGuardiaAsync("runbook", "list", "--runbooks.dir", dir.FullName);

            Assert.Equal(1, code);
            Assert.Contains("bad.md:6:", stderr, StringComparison.Ordinal);
            Assert.Contains("invalid timeout \"later\"", stderr, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
