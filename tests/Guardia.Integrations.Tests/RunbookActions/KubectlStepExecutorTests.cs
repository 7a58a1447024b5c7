using Guardia.Core.Runbooks;
using Guardia.Integrations.RunbookActions;

namespace Guardia.Integrations.Tests.RunbookActions;

/// <summary>Runs kubectl steps against a stand-in kubectl that prints the argument vector it received, one
/// <c>[arg]</c> per argument, so the tests see exactly what a real kubectl would be given.</summary>
public sealed class KubectlStepExecutorTests : IDisposable
{
    readonly string _bin = Path.Combine(Path.GetTempPath(), "guardia-kubectl-test-" + Guid.NewGuid().ToString("N"));
    readonly RunbookActionOptions _options;

    public KubectlStepExecutorTests()
    {
        Directory.CreateDirectory(_bin);
        var kubectl = Path.Combine(_bin, "kubectl");
        File.WriteAllText(kubectl, "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done\necho\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(kubectl, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        }
        _options = Steps.Options() with { ExecutableSearchPath = [_bin, "/usr/bin", "/bin"] };
    }

    public void Dispose()
    {
        Directory.Delete(_bin, recursive: true);
        Steps.DeleteScratch(_options.ScratchRoot);
    }

    static TheoryDataRow<string, string, string, string> Row(string name, string mode, string body, string expected) =>
        new(name, mode, body, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, string, string>> Runs =>
    [
        Row("read-only verb unchanged",     "client", "kubectl get pods -n \"$NS\"",                       "[get][pods][-n][shop; rm -rf /]"),
        Row("delete gets client dry-run",   "client", "kubectl delete pod \"$POD\" -n \"$NS\"",            "[delete][--dry-run=client][pod][$(touch /tmp/x)][-n][shop; rm -rf /]"),
        Row("rollout restart after sub",    "server", "kubectl rollout restart deployment/api -n \"$NS\"", "[rollout][restart][--dry-run=server][deployment/api][-n][shop; rm -rf /]"),
        Row("rollout status unchanged",     "client", "kubectl rollout status deployment/api",             "[rollout][status][deployment/api]"),
        Row("scale in a pipeline",          "client", "kubectl scale deployment/api --replicas=3 | cat",   "[scale][--dry-run=client][deployment/api][--replicas=3]"),
        Row("mode none runs as written",    "none",   "kubectl delete pod \"$POD\"",                       "[delete][pod][$(touch /tmp/x)]"),
    ];

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task ExecuteAsync_PassesArgumentVector_WithDryRunOnMutatingVerbs(string name, string mode, string body, string expected)
    {
        _ = name;
        var kubectl = new KubectlStepExecutor(_options, TimeProvider.System);
        var request = Steps.Request("kubectl", body, Steps.Params(("NS", "shop; rm -rf /"), ("POD", "$(touch /tmp/x)")),
            new Dictionary<string, string> { ["dry_run"] = mode });

        var result = await kubectl.ExecuteAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Succeeded, result.Outcome);
        Assert.Equal(expected + "\n", result.Output);
    }

    [Theory]
    [InlineData("kubectl exec -it api -- sh")]
    [InlineData("kubectl -n shop delete pod api")]
    [InlineData("kubectl \"$VERB\" pod api")]
    [InlineData("kubectl edit deployment/api")]
    public async Task ExecuteAsync_Rejects_CommandsWithoutKnownDryRun(string body)
    {
        var kubectl = new KubectlStepExecutor(_options with { KubectlDryRun = "client" }, TimeProvider.System);

        var result = await kubectl.ExecuteAsync(Steps.Request("kubectl", body, Steps.Params(("VERB", "delete"))), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Rejected, result.Outcome);
        Assert.Equal(string.Empty, result.Output);
    }

    [Fact]
    public async Task ExecuteAsync_Rejects_WhenKubectlIsNotAllowed()
    {
        var kubectl = new KubectlStepExecutor(_options with { Executables = ["cat"] }, TimeProvider.System);

        var result = await kubectl.ExecuteAsync(Steps.Request("kubectl", "kubectl get pods"), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Rejected, result.Outcome);
        Assert.Contains("allowlist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeDryRun_ShowsDryRunFlags_AndHidesSecrets()
    {
        var kubectl = new KubectlStepExecutor(_options with { KubectlDryRun = "server" }, TimeProvider.System);

        var text = kubectl.DescribeDryRun(Steps.Request("kubectl", "kubectl delete secret \"$NAME\"\nkubectl get pods",
            Steps.Params(("NAME", "db-password-xyz")), secrets: ["NAME"]));

        Assert.Contains("kubectl delete --dry-run=server secret \"$NAME\"\nkubectl get pods", text, StringComparison.Ordinal);
        Assert.Contains("NAME=<secret>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("db-password-xyz", text, StringComparison.Ordinal);
    }
}
