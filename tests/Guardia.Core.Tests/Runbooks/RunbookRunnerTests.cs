using Guardia.Core.Runbooks;
using Microsoft.Extensions.Time.Testing;

namespace Guardia.Core.Tests.Runbooks;

public sealed class RunbookRunnerTests
{
    const string Text = """
        ---
        id: demo
        title: Demo
        parameters:
          - name: NAMESPACE
            pattern: '[a-z0-9-]+'
            default: tenants
          - name: MESSAGE
            required: false
          - name: TOKEN
            secret: true
            default: s3cr3t
        validation:
          interval: 1m
          deadline: 5m
        ---
        ## Diagnosis
        ```shell {id=check timeout=45s auto}
        kubectl get pods -n "$NAMESPACE"
        ```
        ```shell {id=on-failure when=check.failed}
        echo check failed
        ```
        ## Mitigation
        ```kubectl {id=restart approve=1}
        kubectl rollout restart deploy/x -n "$NAMESPACE"
        ```
        ```kubectl {id=scale approve=2}
        kubectl scale deploy/x --replicas=3
        ```
        ```manual {id=notify}
        Tell the team.
        ```
        ## Validation
        ```promql {id=lag condition="< 5000"}
        max(lag)
        ```
        """;

    static Runbook Demo(string? replace = null, string? with = null)
    {
        Assert.True(replace is null || Text.Contains(replace, StringComparison.Ordinal));
        return RunbookParser.Parse(replace is null ? Text : Text.Replace(replace, with, StringComparison.Ordinal), "demo.md");
    }

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static (RunbookRunner Runner, FakeExecutor Executor, Recorder Observer, FakeTimeProvider Time) Create(int maxRuns = 4)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var executor = new FakeExecutor();
        var observer = new Recorder();
        var n = 0;
        var runner = new RunbookRunner([executor], time, new RunbookRunnerOptions { MaxConcurrentRuns = maxRuns, NewRunId = () => "run-" + ++n }, observer);
        return (runner, executor, observer, time);
    }

    static RunRequest Request(Runbook runbook, string actor = "alice", Dictionary<string, string>? parameters = null, bool dryRun = false) =>
        new(runbook, parameters ?? [], actor, "INC-1", dryRun);

    [Fact]
    public async Task Start_RunsStepsInOrder_WithApprovalsAndConfirmation()
    {
        var (runner, executor, observer, _) = Create();

        var run = runner.Start(Request(Demo()));
        await observer.WaitFor("approval-requested restart 1");
        await runner.ApproveAsync(run.RunId, "restart", "bob", Ct);
        await observer.WaitFor("approval-requested scale 2");
        await runner.ApproveAsync(run.RunId, "scale", "bob", Ct);
        Assert.Equal(StepStatus.WaitingForApproval, runner.Get(run.RunId)!.Step("scale")!.Status);
        await runner.ApproveAsync(run.RunId, "scale", "carol", Ct);
        await observer.WaitFor("confirmation-requested notify");
        await runner.ConfirmAsync(run.RunId, "notify", "dave", Ct);
        var final = await runner.WaitAsync(run.RunId, Ct);

        Assert.Equal(RunStatus.Succeeded, final.Status);
        Assert.True(final.Validated);
        Assert.Equal(["check", "restart", "scale", "lag"], executor.Requests.Select(r => r.StepId));
        Assert.Equal(StepStatus.Skipped, final.Step("on-failure")!.Status);
        Assert.Equal(["bob", "carol"], final.Step("scale")!.Approvers);
        Assert.Equal("dave", final.Step("notify")!.ConfirmedBy);
        Assert.Equal("INC-1", final.IncidentId);
        Assert.Contains("validated", observer.Events);
        Assert.Equal("run-finished Succeeded", observer.Events[^1]);
    }

    [Theory]
    [InlineData("alice", "cannot approve")]
    [InlineData("ALICE", "cannot approve")]
    public async Task Approve_IsRefused_ForTheRequester(string approver, string message)
    {
        var (runner, _, observer, _) = Create();
        var run = runner.Start(Request(Demo()));
        await observer.WaitFor("approval-requested restart 1");

        var ex = await Assert.ThrowsAsync<RunbookException>(() => runner.ApproveAsync(run.RunId, "restart", approver, Ct));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Equal(StepStatus.WaitingForApproval, runner.Get(run.RunId)!.Step("restart")!.Status);
        runner.Cancel(run.RunId, "alice");
        await runner.WaitAsync(run.RunId, Ct);
    }

    [Fact]
    public async Task Approve_TwoPersonRule_RefusesTheSamePersonTwice()
    {
        var (runner, executor, observer, _) = Create();
        var run = runner.Start(Request(Demo()));
        await observer.WaitFor("approval-requested restart 1");
        await runner.ApproveAsync(run.RunId, "restart", "bob", Ct);
        await observer.WaitFor("approval-requested scale 2");
        await runner.ApproveAsync(run.RunId, "scale", "bob", Ct);

        var ex = await Assert.ThrowsAsync<RunbookException>(() => runner.ApproveAsync(run.RunId, "scale", "Bob", Ct));

        Assert.Contains("already approved", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(executor.Requests, r => r.StepId == "scale");
        runner.Cancel(run.RunId, "alice");
        var final = await runner.WaitAsync(run.RunId, Ct);
        Assert.Equal(RunStatus.Cancelled, final.Status);
        Assert.Equal(StepStatus.Cancelled, final.Step("scale")!.Status);
    }

    [Fact]
    public async Task Approve_IsRefused_WhenTheStepIsNotWaiting()
    {
        var (runner, _, observer, _) = Create();
        var run = runner.Start(Request(Demo()));
        await observer.WaitFor("approval-requested restart 1");

        await Assert.ThrowsAsync<RunbookException>(() => runner.ApproveAsync(run.RunId, "scale", "bob", Ct));
        await Assert.ThrowsAsync<RunbookException>(() => runner.ApproveAsync(run.RunId, "nope", "bob", Ct));
        await Assert.ThrowsAsync<RunbookException>(() => runner.ApproveAsync("no-run", "restart", "bob", Ct));
        runner.Cancel(run.RunId, "alice");
        await runner.WaitAsync(run.RunId, Ct);
    }

    [Fact]
    public async Task DryRun_DescribesEveryStep_AndRunsNothing()
    {
        var (runner, executor, _, _) = Create();

        var run = runner.Start(Request(Demo(), parameters: new() { ["NAMESPACE"] = "prod" }, dryRun: true));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Empty(executor.Requests);
        Assert.All(run.Steps, s => Assert.Equal(StepStatus.Described, s.Status));
        Assert.Equal("described check NAMESPACE=prod TOKEN=s3cr3t", run.Step("check")!.Description);
        Assert.StartsWith("manual: a person confirms: Tell the team.", run.Step("notify")!.Description, StringComparison.Ordinal);
        Assert.Equal(5, executor.Described); // the manual step is described by the runner
    }

    [Fact]
    public void DescribeStep_RedactsSecrets_WhenNoExecutorIsRegistered()
    {
        var runner = new RunbookRunner([], new FakeTimeProvider());

        var described = runner.Describe(Request(Demo(), dryRun: true));

        var check = described.Single(d => d.Step.Id == "check").Description;
        Assert.Contains("TOKEN=<secret>", check, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", check, StringComparison.Ordinal);
        Assert.Contains("  | kubectl get pods -n \"$NAMESPACE\"", check, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("prod; rm -rf /")]
    [InlineData("$(reboot)")]
    [InlineData("`id`")]
    [InlineData("a\nb")]
    public void Start_RefusesParameterValues_ThatBreakThePattern(string value)
    {
        var (runner, executor, _, _) = Create();

        var ex = Assert.Throws<RunbookException>(() => runner.Start(Request(Demo(), parameters: new() { ["NAMESPACE"] = value })));

        Assert.Contains("does not match the pattern", ex.Message, StringComparison.Ordinal);
        Assert.Empty(executor.Requests);
        Assert.Empty(runner.Runs());
    }

    [Theory]
    [InlineData("unknown", "x", "unknown parameter \"unknown\"")]
    [InlineData("TOKEN", "", "does not match")]
    public void Start_RefusesBadParameters(string name, string value, string message)
    {
        var runbook = Demo("  - name: TOKEN\n    secret: true\n    default: s3cr3t", "  - name: TOKEN\n    secret: true\n    pattern: '\\S+'\n    required: true");
        var (runner, _, _, _) = Create();

        var ex = Assert.Throws<RunbookException>(() => runner.Start(Request(runbook, parameters: new() { [name] = value })));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PassesShellMetacharactersOnlyAsData()
    {
        var runbook = Demo("pattern: '[a-z0-9-]+'", "pattern: '.+'");
        var (runner, executor, observer, _) = Create();
        const string hostile = "x\"; rm -rf / #$(id)`whoami`";

        var run = runner.Start(Request(runbook, parameters: new() { ["NAMESPACE"] = hostile }));
        await observer.WaitFor("approval-requested restart 1");
        runner.Cancel(run.RunId, "alice");
        await runner.WaitAsync(run.RunId, Ct);

        var check = executor.Requests.Single(r => r.StepId == "check");
        Assert.Equal(hostile, check.Parameters["NAMESPACE"]);
        Assert.Equal("kubectl get pods -n \"$NAMESPACE\"", check.Body);
        Assert.Contains("TOKEN", check.SecretParameters);
    }

    [Fact]
    public async Task Start_PropagatesTheStepTimeout_AndRecordsTimedOut()
    {
        var (runner, executor, observer, _) = Create();
        executor.Outcomes["check"] = [StepOutcome.TimedOut];

        var run = runner.Start(Request(Demo()) with { Sections = new HashSet<RunbookSection> { RunbookSection.Diagnosis } });
        var final = await runner.WaitAsync(run.RunId, Ct);

        Assert.Equal(TimeSpan.FromSeconds(45), executor.Requests.Single(r => r.StepId == "check").Timeout);
        Assert.Equal(StepStatus.TimedOut, final.Step("check")!.Status);
        Assert.Equal(StepStatus.Succeeded, final.Step("on-failure")!.Status);
        Assert.Equal(RunStatus.Failed, final.Status);
        Assert.Contains("step-finished check TimedOut", observer.Events);
    }

    [Fact]
    public async Task Start_StopsAnExecutorThatOverrunsItsTimeout()
    {
        var (runner, executor, observer, time) = Create();
        executor.Block.Add("check");

        var run = runner.Start(Request(Demo()) with { Sections = new HashSet<RunbookSection> { RunbookSection.Diagnosis } });
        await executor.Blocked.Task.WaitAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(45 + 29));
        Assert.Equal(StepStatus.Running, runner.Get(run.RunId)!.Step("check")!.Status);
        time.Advance(TimeSpan.FromSeconds(1));
        var final = await runner.WaitAsync(run.RunId, Ct);

        Assert.Equal(StepStatus.TimedOut, final.Step("check")!.Status);
        Assert.Equal("the step ran past its 45s timeout", final.Step("check")!.Result!.Error);
        Assert.Equal(TimeSpan.FromSeconds(75), final.Step("check")!.Result!.Duration);
    }

    [Fact]
    public async Task Start_AutoOnly_RunsTheAutoDiagnosisSteps()
    {
        var (runner, executor, _, _) = Create();

        var run = runner.Start(Request(Demo(), actor: "guardia") with { AutoOnly = true, Sections = new HashSet<RunbookSection> { RunbookSection.Diagnosis } });
        var final = await runner.WaitAsync(run.RunId, Ct);

        Assert.Equal(["check"], executor.Requests.Select(r => r.StepId));
        Assert.Equal(RunStatus.Succeeded, final.Status);
    }

    [Fact]
    public async Task Cancel_StopsTheRunningStep_AndNothingAfterRuns()
    {
        var (runner, executor, observer, _) = Create();
        executor.Block.Add("check");

        var run = runner.Start(Request(Demo()));
        await observer.WaitFor("step-started check 1");
        runner.Cancel(run.RunId, "alice");
        var final = await runner.WaitAsync(run.RunId, Ct);

        Assert.Equal(RunStatus.Cancelled, final.Status);
        Assert.Equal("cancelled by alice", final.Error);
        Assert.Equal(StepStatus.Cancelled, final.Step("check")!.Status);
        Assert.All(final.Steps.Skip(1), s => Assert.Equal(StepStatus.Cancelled, s.Status));
        Assert.Equal(["check"], executor.Requests.Select(r => r.StepId));
        Assert.Equal("run-finished Cancelled", observer.Events[^1]);
    }

    [Fact]
    public async Task Start_RefusesRunsOverTheLimit_UntilOneFinishes()
    {
        var (runner, _, observer, _) = Create(maxRuns: 1);
        var first = runner.Start(Request(Demo()));
        await observer.WaitFor("approval-requested restart 1");

        var ex = Assert.Throws<RunbookException>(() => runner.Start(Request(Demo())));
        Assert.Contains("run limit reached: 1 of 1", ex.Message, StringComparison.Ordinal);
        var dry = runner.Start(Request(Demo(), dryRun: true));
        Assert.Equal(RunStatus.Succeeded, dry.Status);

        runner.Cancel(first.RunId, "alice");
        await runner.WaitAsync(first.RunId, Ct);
        var next = runner.Start(Request(Demo()));
        Assert.Equal(RunStatus.Running, next.Status);
        runner.Cancel(next.RunId, "alice");
        await runner.WaitAsync(next.RunId, Ct);
    }

    static Runbook ValidationOnly() => RunbookParser.Parse("""
        ---
        id: v
        title: V
        validation:
          interval: 1m
          deadline: 3m
        ---
        ## Validation
        ```promql {id=lag}
        max(lag)
        ```
        ```http {id=health}
        GET http://127.0.0.1:9093/-/healthy
        ```
        """, "v.md");

    [Fact]
    public async Task Validation_ReRunsOnSchedule_UntilItPasses()
    {
        var (runner, executor, observer, time) = Create();
        executor.Outcomes["lag"] = [StepOutcome.Failed, StepOutcome.Failed, StepOutcome.Succeeded];

        var run = runner.Start(Request(ValidationOnly()));
        await observer.WaitFor("validation-retry 1");
        time.Advance(TimeSpan.FromMinutes(1));
        await observer.WaitFor("validation-retry 2");
        time.Advance(TimeSpan.FromMinutes(1));
        var final = await runner.WaitAsync(run.RunId, Ct);

        Assert.Equal(RunStatus.Succeeded, final.Status);
        Assert.True(final.Validated);
        Assert.Equal(3, final.Step("lag")!.Attempts);
        Assert.Equal(3, final.Step("health")!.Attempts);
        Assert.Equal(time.GetUtcNow(), final.FinishedAt);
        Assert.Contains("validated", observer.Events);
    }

    [Fact]
    public async Task Validation_GivesUp_AtTheDeadline()
    {
        var (runner, executor, observer, time) = Create();
        executor.Outcomes["lag"] = [StepOutcome.Failed, StepOutcome.Failed, StepOutcome.Failed, StepOutcome.Failed, StepOutcome.Succeeded];

        var run = runner.Start(Request(ValidationOnly()));
        for (var i = 1; i <= 3; i++)
        {
            await observer.WaitFor("validation-retry " + i);
            time.Advance(TimeSpan.FromMinutes(1));
        }
        var final = await runner.WaitAsync(run.RunId, Ct);

        Assert.Equal(RunStatus.Failed, final.Status);
        Assert.False(final.Validated);
        Assert.Equal(4, final.Step("lag")!.Attempts);
        Assert.Equal("validation did not pass before its deadline", final.Error);
        Assert.DoesNotContain("validated", observer.Events);
    }

    [Fact]
    public async Task Start_RejectsSteps_WithoutAnExecutor()
    {
        var time = new FakeTimeProvider();
        var runner = new RunbookRunner([], time);
        var run = runner.Start(Request(Demo()) with { Sections = new HashSet<RunbookSection> { RunbookSection.Diagnosis } });

        var final = await runner.WaitAsync(run.RunId, Ct);

        Assert.Equal(StepStatus.Rejected, final.Step("check")!.Status);
        Assert.Contains("no executor for shell steps", final.Step("check")!.Result!.Error, StringComparison.Ordinal);
    }
}
