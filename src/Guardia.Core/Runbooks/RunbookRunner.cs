using System.Text;

namespace Guardia.Core.Runbooks;

/// <summary>Runs runbooks: steps in section order, approvals by distinct people other than the requester, manual
/// confirmations, <c>when</c> conditions, validation re-runs on a schedule, cancellation and a limit on active runs.</summary>
public sealed class RunbookRunner
{
    readonly Dictionary<string, IStepExecutor> _executors = new(StringComparer.Ordinal);
    readonly TimeProvider _time;
    readonly RunbookRunnerOptions _options;
    readonly IRunbookRunObserver? _observer;
    readonly Lock _lock = new();
    readonly Dictionary<string, RunState> _runs = new(StringComparer.Ordinal);

    /// <summary>Creates a runner over the given executors (one per kind; a later executor for a kind wins).</summary>
    public RunbookRunner(IEnumerable<IStepExecutor> executors, TimeProvider time, RunbookRunnerOptions? options = null, IRunbookRunObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(executors);
        ArgumentNullException.ThrowIfNull(time);
        foreach (var e in executors)
        {
            foreach (var kind in e.Kinds)
            {
                _executors[kind] = e;
            }
        }
        _time = time;
        _options = options ?? new RunbookRunnerOptions();
        _observer = observer;
    }

    /// <summary>Validates the parameters and starts a run; a dry-run finishes before this returns.
    /// Throws a <see cref="RunbookException"/> for invalid parameters or when the run limit is reached.</summary>
    public RunSnapshot Start(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Actor))
        {
            throw new RunbookException("a run needs an actor: who is running it");
        }
        var parameters = RunbookParameters.Resolve(request.Runbook, request.Parameters);
        var steps = Select(request);
        RunState run;
        lock (_lock)
        {
            if (!request.DryRun)
            {
                var active = _runs.Values.Count(r => r.Status == RunStatus.Running && !r.DryRun);
                if (active >= _options.MaxConcurrentRuns)
                {
                    throw new RunbookException($"run limit reached: {active} of {_options.MaxConcurrentRuns} runs are active; wait for one to finish or cancel one");
                }
            }
            var id = _options.NewRunId();
            if (_runs.ContainsKey(id))
            {
                throw new RunbookException($"run id \"{id}\" is already in use");
            }
            run = new RunState(id, request, parameters, steps, _time.GetUtcNow());
            _runs[id] = run;
        }
        if (request.DryRun)
        {
            foreach (var s in run.Steps)
            {
                s.Status = StepStatus.Described;
                s.Description = Describe(s.Step, parameters, run.Id);
            }
            Finish(run, RunStatus.Succeeded, null);
            run.Completion = Task.CompletedTask;
            return Snapshot(run);
        }
        run.Completion = Task.Run(() => ExecuteAsync(run));
        return Snapshot(run);
    }

    /// <summary>Describes every step of a request as a dry-run would, without creating a run.</summary>
    public IReadOnlyList<(RunbookStep Step, string Description)> Describe(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parameters = RunbookParameters.Resolve(request.Runbook, request.Parameters);
        return [.. Select(request).Select(s => (s, Describe(s, parameters, "dry-run")))];
    }

    /// <summary>The run with the given id, or null.</summary>
    public RunSnapshot? Get(string runId)
    {
        lock (_lock)
        {
            return _runs.TryGetValue(runId, out var run) ? Snapshot(run) : null;
        }
    }

    /// <summary>Every run this runner knows, oldest first.</summary>
    public IReadOnlyList<RunSnapshot> Runs()
    {
        lock (_lock)
        {
            return [.. _runs.Values.OrderBy(r => r.StartedAt).Select(Snapshot)];
        }
    }

    /// <summary>Waits until the run has finished and returns its final state.</summary>
    public async Task<RunSnapshot> WaitAsync(string runId, CancellationToken cancellationToken)
    {
        RunState run;
        lock (_lock)
        {
            run = _runs.TryGetValue(runId, out var r) ? r : throw new RunbookException($"unknown run \"{runId}\"");
        }
        await run.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Snapshot(run);
    }

    /// <summary>Approves a step that waits for approval. The requester cannot approve their own run, and the two
    /// approvals of <c>approve=2</c> must come from two distinct people.</summary>
    public async Task ApproveAsync(string runId, string stepId, string approver, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(approver);
        RunState run;
        StepState step;
        bool complete;
        lock (_lock)
        {
            (run, step) = Find(runId, stepId);
            if (step.Status != StepStatus.WaitingForApproval)
            {
                throw new RunbookException($"step \"{stepId}\" of run {runId} is not waiting for approval (it is {step.Status})");
            }
            if (string.Equals(approver, run.Request.Actor, StringComparison.OrdinalIgnoreCase))
            {
                throw new RunbookException($"{approver} requested run {runId} and cannot approve its steps; ask someone else");
            }
            if (step.Approvers.Contains(approver, StringComparer.OrdinalIgnoreCase))
            {
                throw new RunbookException($"{approver} already approved step \"{stepId}\"; it needs {step.Step.Approvals} distinct approvers");
            }
            step.Approvers.Add(approver);
            complete = step.Approvers.Count >= step.Step.Approvals;
        }
        if (_observer is not null)
        {
            await _observer.ApprovalGrantedAsync(Snapshot(run), step.Step, approver, cancellationToken).ConfigureAwait(false);
        }
        if (complete)
        {
            step.Gate?.TrySetResult(approver);
        }
    }

    /// <summary>Confirms a manual step that waits for a person.</summary>
    public Task ConfirmAsync(string runId, string stepId, string actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        cancellationToken.ThrowIfCancellationRequested();
        StepState step;
        lock (_lock)
        {
            (_, step) = Find(runId, stepId);
            if (step.Status != StepStatus.WaitingForConfirmation)
            {
                throw new RunbookException($"step \"{stepId}\" of run {runId} is not waiting for confirmation (it is {step.Status})");
            }
            step.ConfirmedBy = actor;
        }
        step.Gate?.TrySetResult(actor);
        return Task.CompletedTask;
    }

    /// <summary>Cancels a run: the running step is cancelled, nothing after it runs. Cancelling a finished run does nothing.</summary>
    public void Cancel(string runId, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        RunState run;
        lock (_lock)
        {
            run = _runs.TryGetValue(runId, out var r) ? r : throw new RunbookException($"unknown run \"{runId}\"");
            if (run.Status != RunStatus.Running)
            {
                return;
            }
            run.CancelledBy = actor;
        }
        run.Cancellation.Cancel();
    }

    (RunState Run, StepState Step) Find(string runId, string stepId)
    {
        var run = _runs.TryGetValue(runId, out var r) ? r : throw new RunbookException($"unknown run \"{runId}\"");
        var step = run.Steps.FirstOrDefault(s => s.Step.Id == stepId) ?? throw new RunbookException($"run {runId} has no step \"{stepId}\"");
        return (run, step);
    }

    static List<RunbookStep> Select(RunRequest request) =>
        [.. request.Runbook.Steps
            .Where(s => request.Sections is null || request.Sections.Contains(s.Section))
            .Where(s => !request.AutoOnly || s.Auto)
            .OrderBy(s => s.Section)
            .ThenBy(s => s.Line)];

    string Describe(RunbookStep step, ResolvedParameters parameters, string runId)
    {
        if (step.IsManual)
        {
            return "manual: a person confirms: " + step.Body.Trim();
        }
        var request = BuildRequest(runId, step, parameters);
        if (_executors.TryGetValue(step.Kind, out var executor))
        {
            return executor.DescribeDryRun(request);
        }
        return DescribeStep(step, parameters);
    }

    /// <summary>Describes a step from its own text when no executor is at hand: kind, attributes, parameters
    /// (secrets redacted) and the body, which stays exactly as written.</summary>
    public static string DescribeStep(RunbookStep step, ResolvedParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(parameters);
        var sb = new StringBuilder();
        sb.Append(step.Kind).Append(" step ").Append(step.Id).Append(" (timeout ").Append(RunbookParser.FormatDuration(step.Timeout)).Append(')');
        if (step.Approvals > 0)
        {
            sb.Append(", needs ").Append(RunbookParser.Invariant(step.Approvals)).Append(step.Approvals == 1 ? " approval" : " distinct approvals");
        }
        sb.Append('\n');
        var env = parameters.Redacted;
        if (env.Count > 0)
        {
            sb.Append("  with ").Append(string.Join(' ', env.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + Quote(kv.Value)))).Append('\n');
        }
        foreach (var line in step.Body.TrimEnd('\n').Split('\n'))
        {
            sb.Append("  | ").Append(line).Append('\n');
        }
        return sb.ToString();
    }

    static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '<' or '>')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    static StepRequest BuildRequest(string runId, RunbookStep step, ResolvedParameters parameters) =>
        new(runId, step.Id, step.Kind, step.Body, step.Attributes, parameters.Values, parameters.Secrets, step.Timeout);

    async Task ExecuteAsync(RunState run)
    {
        var ct = run.Cancellation.Token;
        try
        {
            await Notify(o => o.RunStartedAsync(Snapshot(run), CancellationToken.None)).ConfigureAwait(false);
            var validation = run.Steps.Where(s => s.Step.Section == RunbookSection.Validation).ToList();
            var validationDone = false;
            foreach (var s in run.Steps)
            {
                if (s.Step.Section == RunbookSection.Validation)
                {
                    if (!validationDone)
                    {
                        validationDone = true;
                        await ValidateAsync(run, validation, ct).ConfigureAwait(false);
                    }
                    continue;
                }
                await RunStepAsync(run, s, ct).ConfigureAwait(false);
            }
            var failed = run.Steps.Any(s => s.Step.Section != RunbookSection.Validation && s.Status is StepStatus.Failed or StepStatus.TimedOut or StepStatus.Rejected);
            var notValidated = validation.Count > 0 && !run.Validated;
            Finish(run, failed || notValidated ? RunStatus.Failed : RunStatus.Succeeded,
                failed ? "a step failed" : notValidated ? "validation did not pass before its deadline" : null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            lock (_lock)
            {
                foreach (var s in run.Steps.Where(s => s.Status is StepStatus.Pending or StepStatus.Running or StepStatus.WaitingForApproval or StepStatus.WaitingForConfirmation))
                {
                    s.Status = StepStatus.Cancelled;
                }
            }
            Finish(run, RunStatus.Cancelled, "cancelled by " + run.CancelledBy);
        }
        catch (Exception ex)
        {
            Finish(run, RunStatus.Failed, ex.Message);
        }
        await Notify(o => o.RunFinishedAsync(Snapshot(run), CancellationToken.None)).ConfigureAwait(false);
    }

    async Task ValidateAsync(RunState run, List<StepState> steps, CancellationToken ct)
    {
        var schedule = run.Request.Runbook.Validation;
        var deadline = _time.GetUtcNow() + schedule.Deadline;
        for (var attempt = 1; ; attempt++)
        {
            foreach (var s in steps)
            {
                if (s.Step.IsManual && s.Status == StepStatus.Succeeded)
                {
                    continue; // a person confirms once
                }
                await RunStepAsync(run, s, ct).ConfigureAwait(false);
            }
            if (steps.All(s => s.Status is StepStatus.Succeeded or StepStatus.Skipped))
            {
                lock (_lock)
                {
                    run.Validated = true;
                }
                await Notify(o => o.ValidatedAsync(Snapshot(run), CancellationToken.None)).ConfigureAwait(false);
                return;
            }
            var next = _time.GetUtcNow() + schedule.Interval;
            if (next > deadline)
            {
                return;
            }
            // The timer is armed before observers hear of the retry, so a test clock advanced on that event fires it.
            var delay = Task.Delay(schedule.Interval, _time, ct);
            await Notify(o => o.ValidationRetryScheduledAsync(Snapshot(run), attempt, next, CancellationToken.None)).ConfigureAwait(false);
            await delay.ConfigureAwait(false);
        }
    }

    async Task RunStepAsync(RunState run, StepState s, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var step = s.Step;
        if (!ConditionHolds(run, step.When, step, out var reason))
        {
            lock (_lock)
            {
                s.Status = StepStatus.Skipped;
            }
            await Notify(o => o.StepSkippedAsync(Snapshot(run), step, reason, CancellationToken.None)).ConfigureAwait(false);
            return;
        }
        if (step.Approvals > 0 && s.Approvers.Count < step.Approvals)
        {
            var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                s.Gate = gate;
                s.Status = StepStatus.WaitingForApproval;
            }
            await Notify(o => o.ApprovalRequestedAsync(Snapshot(run), step, step.Approvals, CancellationToken.None)).ConfigureAwait(false);
            await gate.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        if (step.IsManual)
        {
            var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                s.Gate = gate;
                s.Status = StepStatus.WaitingForConfirmation;
            }
            await Notify(o => o.ConfirmationRequestedAsync(Snapshot(run), step, CancellationToken.None)).ConfigureAwait(false);
            var by = await gate.Task.WaitAsync(ct).ConfigureAwait(false);
            var confirmed = new StepResult(StepOutcome.Succeeded, null, "confirmed by " + by, false, string.Empty, TimeSpan.Zero, null);
            lock (_lock)
            {
                s.Status = StepStatus.Succeeded;
                s.Result = confirmed;
                s.Attempts++;
            }
            await Notify(o => o.StepFinishedAsync(Snapshot(run), step, confirmed, CancellationToken.None)).ConfigureAwait(false);
            return;
        }
        int attempt;
        lock (_lock)
        {
            s.Status = StepStatus.Running;
            attempt = ++s.Attempts;
        }
        await Notify(o => o.StepStartedAsync(Snapshot(run), step, attempt, CancellationToken.None)).ConfigureAwait(false);
        var started = _time.GetTimestamp();
        StepResult result;
        if (!_executors.TryGetValue(step.Kind, out var executor))
        {
            result = new StepResult(StepOutcome.Rejected, null, string.Empty, false, string.Empty, TimeSpan.Zero, $"no executor for {step.Kind} steps is configured");
        }
        else
        {
            // Executors enforce the timeout themselves; this backstop stops one that overruns it by the grace period.
            using var backstop = new CancellationTokenSource(step.Timeout + _options.TimeoutGrace, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, backstop.Token);
            try
            {
                result = await executor.ExecuteAsync(BuildRequest(run.Id, step, run.Parameters), linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                result = new StepResult(StepOutcome.Cancelled, null, string.Empty, false, string.Empty, _time.GetElapsedTime(started), "cancelled");
            }
            catch (OperationCanceledException) when (backstop.IsCancellationRequested)
            {
                result = new StepResult(StepOutcome.TimedOut, null, string.Empty, false, string.Empty, _time.GetElapsedTime(started), $"the step ran past its {RunbookParser.FormatDuration(step.Timeout)} timeout");
            }
            catch (Exception ex)
            {
                result = new StepResult(StepOutcome.Failed, null, string.Empty, false, string.Empty, _time.GetElapsedTime(started), ex.Message);
            }
        }
        lock (_lock)
        {
            s.Result = result;
            s.Status = result.Outcome switch
            {
                StepOutcome.Succeeded => StepStatus.Succeeded,
                StepOutcome.Failed => StepStatus.Failed,
                StepOutcome.TimedOut => StepStatus.TimedOut,
                StepOutcome.Cancelled => StepStatus.Cancelled,
                _ => StepStatus.Rejected,
            };
        }
        await Notify(o => o.StepFinishedAsync(Snapshot(run), step, result, CancellationToken.None)).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }

    bool ConditionHolds(RunState run, StepCondition when, RunbookStep self, out string reason)
    {
        lock (_lock)
        {
            static bool Bad(StepStatus s) => s is StepStatus.Failed or StepStatus.TimedOut or StepStatus.Rejected;
            var earlier = run.Steps.TakeWhile(x => x.Step != self).ToList();
            switch (when.Kind)
            {
                case StepConditionKind.Always:
                    reason = string.Empty;
                    return true;
                case StepConditionKind.Success:
                    // Validation attempts that failed before are retried, so they do not block later sections' defaults.
                    var failed = earlier.FirstOrDefault(x => Bad(x.Status) && x.Step.Section != RunbookSection.Validation);
                    reason = failed is null ? string.Empty : $"step \"{failed.Step.Id}\" failed";
                    return failed is null;
                case StepConditionKind.Failure:
                    reason = "no earlier step failed";
                    return earlier.Any(x => Bad(x.Status));
                default:
                    var target = run.Steps.FirstOrDefault(x => x.Step.Id == when.StepId);
                    var status = target?.Status ?? StepStatus.Pending;
                    var holds = when.Kind == StepConditionKind.StepSucceeded ? status == StepStatus.Succeeded : Bad(status);
                    reason = $"step \"{when.StepId}\" is {status}";
                    return holds;
            }
        }
    }

    void Finish(RunState run, RunStatus status, string? error)
    {
        lock (_lock)
        {
            run.Status = status;
            run.Error = error;
            run.FinishedAt = _time.GetUtcNow();
        }
    }

    async Task Notify(Func<IRunbookRunObserver, ValueTask> call)
    {
        if (_observer is not null)
        {
            await call(_observer).ConfigureAwait(false);
        }
    }

    RunSnapshot Snapshot(RunState run)
    {
        lock (_lock)
        {
            return new RunSnapshot(
                run.Id,
                run.Request.Runbook.Id,
                run.Request.Actor,
                run.Request.IncidentId,
                run.DryRun,
                run.Status,
                run.Validated,
                run.StartedAt,
                run.FinishedAt,
                [.. run.Steps.Select(s => new StepSnapshot(s.Step.Id, s.Step.Kind, s.Step.Section, s.Status, s.Attempts, s.Result, s.Description, [.. s.Approvers], s.ConfirmedBy))],
                run.Error);
        }
    }

    sealed class RunState(string id, RunRequest request, ResolvedParameters parameters, List<RunbookStep> steps, DateTimeOffset startedAt)
    {
        public string Id { get; } = id;

        public RunRequest Request { get; } = request;

        public ResolvedParameters Parameters { get; } = parameters;

        public bool DryRun => Request.DryRun;

        public List<StepState> Steps { get; } = [.. steps.Select(s => new StepState(s))];

        public DateTimeOffset StartedAt { get; } = startedAt;

        public DateTimeOffset? FinishedAt { get; set; }

        public RunStatus Status { get; set; } = RunStatus.Running;

        public bool Validated { get; set; }

        public string? Error { get; set; }

        public string? CancelledBy { get; set; }

        public CancellationTokenSource Cancellation { get; } = new();

        public Task Completion { get; set; } = Task.CompletedTask;
    }

    sealed class StepState(RunbookStep step)
    {
        public RunbookStep Step { get; } = step;

        public StepStatus Status { get; set; } = StepStatus.Pending;

        public int Attempts { get; set; }

        public StepResult? Result { get; set; }

        public string? Description { get; set; }

        public List<string> Approvers { get; } = [];

        public string? ConfirmedBy { get; set; }

        public TaskCompletionSource<string>? Gate { get; set; }
    }
}
