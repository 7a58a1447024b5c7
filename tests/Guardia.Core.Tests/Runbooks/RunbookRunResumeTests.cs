using Guardia.Core.Runbooks;
using Microsoft.Extensions.Time.Testing;

namespace Guardia.Core.Tests.Runbooks;

/// <summary>Runs saved on every change and taken up after a restart: what resumes, what fails and why.</summary>
public sealed class RunbookRunResumeTests
{
    const string Text = """
        ---
        id: restart-demo
        title: Restart demo
        parameters:
          - name: NAMESPACE
            default: tenants
          - name: TOKEN
            secret: true
            required: false
        validation:
          interval: 1m
          deadline: 5m
        ---
        ## Diagnosis
        ```shell {id=check}
        kubectl get pods -n "$NAMESPACE"
        ```
        ## Mitigation
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

    static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    static Runbook Demo() => RunbookParser.Parse(Text, "restart-demo.md");

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static (RunbookRunner Runner, FakeExecutor Executor, Recorder Observer, MemoryStore Store) Create(FakeTimeProvider time, MemoryStore? store = null)
    {
        var executor = new FakeExecutor();
        var observer = new Recorder();
        store ??= new MemoryStore();
        var n = 0;
        var runner = new RunbookRunner([executor], time, new RunbookRunnerOptions { NewRunId = () => "run-" + ++n, Store = store }, observer);
        return (runner, executor, observer, store);
    }

    static StepSnapshot Step(string id, string kind, RunbookSection section, StepStatus status, params string[] approvers) =>
        new(id, kind, section, status, status is StepStatus.Pending or StepStatus.WaitingForApproval or StepStatus.WaitingForConfirmation ? 0 : 1,
            status is StepStatus.Succeeded or StepStatus.Failed ? new StepResult(status == StepStatus.Succeeded ? StepOutcome.Succeeded : StepOutcome.Failed, 0, "out", false, "00", TimeSpan.Zero, null) : null,
            null, approvers, null);

    /// <summary>A run stored by a process that stopped with the given step states.</summary>
    static StoredRun Stored(
        StepStatus check = StepStatus.Succeeded,
        StepStatus scale = StepStatus.Pending,
        StepStatus notify = StepStatus.Pending,
        StepStatus lag = StepStatus.Pending,
        string[]? approvers = null,
        string? digest = null,
        string[]? secrets = null,
        ValidationProgress? validation = null)
    {
        var run = new RunSnapshot("run-9", "restart-demo", "alice", "INC-1", false, RunStatus.Running, false, T0.AddMinutes(-10), null,
        [
            Step("check", "shell", RunbookSection.Diagnosis, check),
            Step("scale", "kubectl", RunbookSection.Mitigation, scale, approvers ?? []),
            Step("notify", "manual", RunbookSection.Mitigation, notify),
            Step("lag", "promql", RunbookSection.Validation, lag),
        ], null);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["NAMESPACE"] = "tenants" };
        foreach (var s in secrets ?? [])
        {
            parameters[s] = "<secret>";
        }
        return new StoredRun(run with { Parameters = parameters }, digest ?? Demo().Digest, null, false, parameters, secrets ?? [], validation);
    }

    public sealed record RefusedCase(string Name, StoredRun Stored, bool RunbookGone, string Error, string[] FailedSteps);

    public static IEnumerable<TheoryDataRow<RefusedCase>> RefusedCases =>
    [
        new(new RefusedCase("a step running when the process died is not re-run",
            Stored(check: StepStatus.Running), false, "step \"check\" was interrupted by a restart", ["check"])),
        new(new RefusedCase("a validation step running when the process died is not re-run either",
            Stored(scale: StepStatus.Succeeded, notify: StepStatus.Succeeded, lag: StepStatus.Running, validation: new(T0.AddMinutes(4), 0, null)),
            false, "step \"lag\" was interrupted by a restart", ["lag"])),
        new(new RefusedCase("the runbook left the directory",
            Stored(scale: StepStatus.WaitingForApproval, approvers: ["bob"]), true, "runbook \"restart-demo\" is no longer in the runbook directory", [])),
        new(new RefusedCase("the runbook text changed",
            Stored(scale: StepStatus.WaitingForApproval, digest: new string('0', 64)), false, "runbook \"restart-demo\" changed while the server was down", [])),
        new(new RefusedCase("a secret parameter had a value that was never stored",
            Stored(scale: StepStatus.WaitingForApproval, secrets: ["TOKEN"]), false, "secret parameters (TOKEN) whose values are never stored", [])),
        new(new RefusedCase("an interrupted step wins over a changed runbook",
            Stored(check: StepStatus.Running, digest: new string('1', 64)), false, "interrupted by a restart", ["check"])),
    ];

    [Theory]
    [MemberData(nameof(RefusedCases))]
    public async Task Resume_FailsTheRunWithTheReason_AndRunsNothing(RefusedCase c)
    {
        var time = new FakeTimeProvider(T0);
        var (runner, executor, observer, store) = Create(time);

        runner.Resume(c.Stored, c.RunbookGone ? null : Demo());
        var final = await runner.WaitAsync("run-9", Ct);

        Assert.Equal(RunStatus.Failed, final.Status);
        Assert.Contains(c.Error, final.Error, StringComparison.Ordinal);
        Assert.Empty(executor.Requests);
        Assert.Equal(T0, final.FinishedAt);
        foreach (var id in c.FailedSteps)
        {
            Assert.Equal(StepStatus.Failed, final.Step(id)!.Status);
            Assert.StartsWith("interrupted by a restart", final.Step(id)!.Result!.Error, StringComparison.Ordinal);
            Assert.Contains($"step-finished {id} Failed", observer.Events);
        }
        // Nothing is left waiting for people on a run that ended.
        Assert.DoesNotContain(final.Steps, s => s.Status is StepStatus.Pending or StepStatus.WaitingForApproval or StepStatus.WaitingForConfirmation);
        Assert.Equal("resumed refused", observer.Events[0]);
        Assert.Equal("run-finished Failed", observer.Events[^1]);
        var saved = store.Get("run-9")!;
        Assert.Equal(RunStatus.Failed, saved.Run.Status);
        Assert.Equal(final.Error, saved.Run.Error);
    }

    [Fact]
    public async Task Resume_WaitingForApproval_KeepsTheApproval_AndTheTwoPersonRuleStillHolds()
    {
        var time = new FakeTimeProvider(T0);
        var (runner, executor, observer, _) = Create(time);

        runner.Resume(Stored(scale: StepStatus.WaitingForApproval, approvers: ["bob"]), Demo());
        await observer.WaitFor("approval-requested scale 2");
        var waiting = runner.Get("run-9")!.Step("scale")!;
        Assert.Equal(StepStatus.WaitingForApproval, waiting.Status);
        Assert.Equal(["bob"], waiting.Approvers);

        var cases = new (string Name, string Approver, bool Accepted)[]
        {
            ("the approver from before the restart again", "BOB", false),
            ("the requester", "alice", false),
            ("a second distinct person", "carol", true),
        };
        foreach (var (name, approver, accepted) in cases)
        {
            var attempt = () => runner.ApproveAsync("run-9", "scale", approver, Ct);
            if (accepted)
            {
                await attempt();
            }
            else
            {
                var ex = await Assert.ThrowsAsync<RunbookException>(attempt);
                Assert.False(string.IsNullOrEmpty(ex.Message), name);
            }
        }
        await observer.WaitFor("confirmation-requested notify");
        await runner.ConfirmAsync("run-9", "notify", "dave", Ct);
        var final = await runner.WaitAsync("run-9", Ct);

        Assert.Equal(RunStatus.Succeeded, final.Status);
        Assert.Equal(["bob", "carol"], final.Step("scale")!.Approvers);
        // check had run before the restart: only what was left runs, once.
        Assert.Equal(["scale", "lag"], executor.Requests.Select(r => r.StepId));
        Assert.Equal("tenants", executor.Requests[0].Parameters["NAMESPACE"]);
        Assert.Equal("resumed", observer.Events[0]);
    }

    [Fact]
    public async Task Resume_Validation_KeepsItsOriginalDeadline()
    {
        var time = new FakeTimeProvider(T0);
        var (runner, executor, observer, store) = Create(time);
        executor.Outcomes["lag"] = [StepOutcome.Failed, StepOutcome.Failed, StepOutcome.Failed, StepOutcome.Failed, StepOutcome.Failed];

        // Two attempts failed before the restart; the next was due one minute from now, the deadline is in three.
        runner.Resume(Stored(scale: StepStatus.Succeeded, notify: StepStatus.Succeeded, lag: StepStatus.Failed,
            validation: new ValidationProgress(T0.AddMinutes(3), 2, T0.AddMinutes(1))), Demo());
        await observer.WaitFor("validation-retry 2");
        Assert.Empty(executor.Requests);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(executor.Requests);
        for (var attempt = 3; attempt <= 4; attempt++)
        {
            time.Advance(TimeSpan.FromSeconds(attempt == 3 ? 1 : 60));
            await observer.WaitFor($"validation-retry {attempt}");
            Assert.Equal(new ValidationProgress(T0.AddMinutes(3), attempt, time.GetUtcNow().AddMinutes(1)), store.Get("run-9")!.Validation);
        }
        time.Advance(TimeSpan.FromMinutes(1));
        var final = await runner.WaitAsync("run-9", Ct);

        Assert.Equal(RunStatus.Failed, final.Status);
        Assert.Equal("validation did not pass before its deadline", final.Error);
        Assert.Equal(3, executor.Requests.Count);
        Assert.Equal(T0.AddMinutes(3), final.FinishedAt);
    }

    [Fact]
    public async Task Resume_Validation_PastItsDeadline_FailsWithoutAnotherAttempt()
    {
        var time = new FakeTimeProvider(T0);
        var (runner, executor, _, _) = Create(time);

        runner.Resume(Stored(scale: StepStatus.Succeeded, notify: StepStatus.Succeeded, lag: StepStatus.Failed,
            validation: new ValidationProgress(T0.AddMinutes(-1), 4, T0.AddMinutes(-2))), Demo());
        var final = await runner.WaitAsync("run-9", Ct);

        Assert.Equal(RunStatus.Failed, final.Status);
        Assert.Equal("validation did not pass before its deadline", final.Error);
        Assert.Empty(executor.Requests);
    }

    [Fact]
    public async Task Resume_Validation_PassingAfterTheRestart_Succeeds()
    {
        var time = new FakeTimeProvider(T0);
        var (runner, executor, observer, _) = Create(time);

        runner.Resume(Stored(scale: StepStatus.Succeeded, notify: StepStatus.Succeeded, lag: StepStatus.Failed,
            validation: new ValidationProgress(T0.AddMinutes(3), 1, T0.AddSeconds(30))), Demo());
        await observer.WaitFor("validation-retry 1");
        time.Advance(TimeSpan.FromSeconds(30));
        var final = await runner.WaitAsync("run-9", Ct);

        Assert.Equal(RunStatus.Succeeded, final.Status);
        Assert.True(final.Validated);
        Assert.Equal(["lag"], executor.Requests.Select(r => r.StepId));
    }

    [Fact]
    public async Task Save_MarksAStepRunningOnDisk_BeforeItsExecutorStarts()
    {
        var time = new FakeTimeProvider(T0);
        var (runner, executor, observer, store) = Create(time);
        var seen = new List<StepStatus>();
        executor.OnExecute = r => seen.Add(store.Get("run-1")!.Run.Step(r.StepId)!.Status);

        var run = await runner.StartAsync(new RunRequest(Demo(), new Dictionary<string, string> { ["TOKEN"] = "hunter2" }, "alice", "INC-1"), Ct);
        Assert.Equal(RunStatus.Running, store.Get(run.RunId)!.Run.Status);
        await observer.WaitFor("approval-requested scale 2");
        await runner.ApproveAsync(run.RunId, "scale", "bob", Ct);

        var saved = store.Get(run.RunId)!;
        Assert.Equal([StepStatus.Running], seen);
        Assert.Equal(["bob"], saved.Run.Step("scale")!.Approvers);
        Assert.Equal(StepStatus.WaitingForApproval, saved.Run.Step("scale")!.Status);
        Assert.Equal("<secret>", saved.Parameters["TOKEN"]);
        Assert.Equal(["TOKEN"], saved.SecretParameters);
        Assert.DoesNotContain(store.Saves, s => s.Parameters.Values.Contains("hunter2") || s.Run.Parameters.Values.Contains("hunter2"));
        Assert.Equal(Demo().Digest, saved.RunbookDigest);
        Assert.Equal("hunter2", executor.Requests[0].Parameters["TOKEN"]);
        runner.Cancel(run.RunId, "alice");
        await runner.WaitAsync(run.RunId, Ct);
        Assert.Equal(RunStatus.Cancelled, store.Get(run.RunId)!.Run.Status);
    }

    [Fact]
    public async Task Restart_WaitingRunFromOneRunner_FinishesInTheNext_RunningTheStepOnce()
    {
        var time = new FakeTimeProvider(T0);
        var (before, executorBefore, observerBefore, store) = Create(time);
        var run = await before.StartAsync(new RunRequest(Demo(), new Dictionary<string, string>(), "alice", "INC-1"), Ct);
        await observerBefore.WaitFor("approval-requested scale 2");
        await before.ApproveAsync(run.RunId, "scale", "bob", Ct);
        // The process dies here: only what the store holds is left.
        var left = store.Get(run.RunId)!;

        var (after, executorAfter, observerAfter, _) = Create(time, new MemoryStore());
        after.Resume(left, Demo());
        await observerAfter.WaitFor("approval-requested scale 2");
        await after.ApproveAsync(run.RunId, "scale", "carol", Ct);
        await observerAfter.WaitFor("confirmation-requested notify");
        await after.ConfirmAsync(run.RunId, "notify", "dave", Ct);
        var final = await after.WaitAsync(run.RunId, Ct);

        Assert.Equal(RunStatus.Succeeded, final.Status);
        Assert.Equal(["check"], executorBefore.Requests.Select(r => r.StepId));
        Assert.Equal(["scale", "lag"], executorAfter.Requests.Select(r => r.StepId));
        Assert.Equal(run.StartedAt, final.StartedAt);
        before.Cancel(run.RunId, "test");
        await before.WaitAsync(run.RunId, Ct);
    }

    [Fact]
    public async Task Resume_WaitingForConfirmation_WaitsAgain_AndGoesOnOnceConfirmed()
    {
        var time = new FakeTimeProvider(T0);
        var (runner, executor, observer, store) = Create(time);

        runner.Resume(Stored(scale: StepStatus.Succeeded, notify: StepStatus.WaitingForConfirmation), Demo());
        await observer.WaitFor("confirmation-requested notify");
        Assert.Equal(StepStatus.WaitingForConfirmation, store.Get("run-9")!.Run.Step("notify")!.Status);
        await runner.ConfirmAsync("run-9", "notify", "dave", Ct);
        var final = await runner.WaitAsync("run-9", Ct);

        Assert.Equal(RunStatus.Succeeded, final.Status);
        Assert.Equal("dave", final.Step("notify")!.ConfirmedBy);
        Assert.Equal(["lag"], executor.Requests.Select(r => r.StepId));
        Assert.Equal(RunStatus.Succeeded, store.Get("run-9")!.Run.Status);
    }

    [Fact]
    public async Task Resume_ThenCancel_EndsTheRunCancelled_InTheStoreToo()
    {
        var (runner, executor, observer, store) = Create(new FakeTimeProvider(T0));

        runner.Resume(Stored(scale: StepStatus.WaitingForApproval, approvers: ["bob"]), Demo());
        await observer.WaitFor("approval-requested scale 2");
        runner.Cancel("run-9", "carol");
        var final = await runner.WaitAsync("run-9", Ct);

        Assert.Equal(RunStatus.Cancelled, final.Status);
        Assert.Equal("cancelled by carol", final.Error);
        Assert.Empty(executor.Requests);
        Assert.Equal(StepStatus.Cancelled, store.Get("run-9")!.Run.Step("scale")!.Status);
        Assert.Equal(RunStatus.Cancelled, store.Get("run-9")!.Run.Status);
    }

    [Fact]
    public async Task Save_Failing_IsReported_AndTheRunGoesOn()
    {
        var time = new FakeTimeProvider(T0);
        var failures = new List<(string Run, string Error)>();
        var observer = new Recorder();
        var runner = new RunbookRunner([new FakeExecutor()], time, new RunbookRunnerOptions
        {
            NewRunId = () => "run-x",
            Store = new BrokenStore(),
            StoreFailed = (run, ex) =>
            {
                lock (failures)
                {
                    failures.Add((run, ex.Message));
                }
            },
        }, observer);

        var run = await runner.StartAsync(new RunRequest(Demo(), new Dictionary<string, string>(), "alice") { Sections = new HashSet<RunbookSection> { RunbookSection.Diagnosis } }, Ct);
        var final = await runner.WaitAsync(run.RunId, Ct);

        Assert.Equal(RunStatus.Succeeded, final.Status);
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.Equal(("run-x", "disk full"), f));
    }

    [Theory]
    [InlineData("a finished run", RunStatus.Succeeded)]
    [InlineData("a cancelled run", RunStatus.Cancelled)]
    public void Resume_IsRefused_ForFinishedRuns(string name, RunStatus status)
    {
        var (runner, _, _, _) = Create(new FakeTimeProvider(T0));
        var stored = Stored();

        var ex = Assert.Throws<RunbookException>(() => runner.Resume(stored with { Run = stored.Run with { Status = status } }, Demo()));

        Assert.Contains("only unfinished runs resume", ex.Message, StringComparison.Ordinal);
        Assert.Null(runner.Get("run-9"));
        _ = name;
    }

    [Fact]
    public async Task Resume_IsRefused_ForARunIdAlreadyKnown()
    {
        var (runner, _, observer, _) = Create(new FakeTimeProvider(T0));
        runner.Resume(Stored(scale: StepStatus.WaitingForApproval), Demo());
        await observer.WaitFor("approval-requested scale 2");

        var ex = Assert.Throws<RunbookException>(() => runner.Resume(Stored(scale: StepStatus.WaitingForApproval), Demo()));

        Assert.Contains("already in use", ex.Message, StringComparison.Ordinal);
        runner.Cancel("run-9", "alice");
        await runner.WaitAsync("run-9", Ct);
    }

    [Fact]
    public void Digest_ChangesWithTheText_NotWithLineEndings()
    {
        var a = RunbookParser.Parse(Text, "a.md");
        var crlf = RunbookParser.Parse(Text.Replace("\n", "\r\n", StringComparison.Ordinal), "b.md");
        var changed = RunbookParser.Parse(Text.Replace("--replicas=3", "--replicas=4", StringComparison.Ordinal), "a.md");

        Assert.Matches("^[0-9a-f]{64}$", a.Digest);
        Assert.Equal(a.Digest, crlf.Digest);
        Assert.NotEqual(a.Digest, changed.Digest);
    }

    sealed class MemoryStore : IRunbookRunStore
    {
        readonly Lock _lock = new();
        readonly Dictionary<string, StoredRun> _runs = new(StringComparer.Ordinal);

        public List<StoredRun> Saves { get; } = [];

        public StoredRun? Get(string id)
        {
            lock (_lock)
            {
                return _runs.GetValueOrDefault(id);
            }
        }

        public Task SaveAsync(StoredRun run, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                _runs[run.RunId] = run;
                Saves.Add(run);
            }
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<StoredRun>> LoadUnfinishedAsync(CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                return Task.FromResult<IReadOnlyList<StoredRun>>([.. _runs.Values.Where(r => r.Run.Status == RunStatus.Running)]);
            }
        }

        public Task<IReadOnlyList<StoredRun>> ListFinishedAsync(int limit, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                return Task.FromResult<IReadOnlyList<StoredRun>>([.. _runs.Values.Where(r => r.Run.Status != RunStatus.Running).Take(limit)]);
            }
        }

        public Task<StoredRun?> GetAsync(string runId, CancellationToken cancellationToken) => Task.FromResult(Get(runId));
    }

    sealed class BrokenStore : IRunbookRunStore
    {
        public Task SaveAsync(StoredRun run, CancellationToken cancellationToken) => throw new IOException("disk full");

        public Task<IReadOnlyList<StoredRun>> LoadUnfinishedAsync(CancellationToken cancellationToken) => throw new IOException("disk full");

        public Task<IReadOnlyList<StoredRun>> ListFinishedAsync(int limit, CancellationToken cancellationToken) => throw new IOException("disk full");

        public Task<StoredRun?> GetAsync(string runId, CancellationToken cancellationToken) => throw new IOException("disk full");
    }
}
