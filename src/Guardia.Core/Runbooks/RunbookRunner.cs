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
        var run = Create(request);
        if (!run.DryRun)
        {
            run.Completion = Task.Run(() => ExecuteAsync(run, resumed: false));
        }
        return Snapshot(run);
    }

    /// <summary>Like <see cref="Start"/>, but returns only once the new run is in the store (when there is one), so a
    /// run the caller was told about survives a crash.</summary>
    public async Task<RunSnapshot> StartAsync(RunRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var run = Create(request);
        if (!run.DryRun)
        {
            // Not cancellable from here on: the run exists and must be launched once it is saved.
            await PersistAsync(run).ConfigureAwait(false);
            run.Completion = Task.Run(() => ExecuteAsync(run, resumed: false), CancellationToken.None);
        }
        return Snapshot(run);
    }

    RunState Create(RunRequest request)
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
        }
        return run;
    }

    /// <summary>Takes up a stored, unfinished run after a restart. <paramref name="runbook"/> is the runbook with the
    /// stored run's id in the current catalog (null when it is gone). A step that was running when the process stopped
    /// is not run again (it may have had side effects): it fails and so does the run. A run whose runbook is gone or
    /// changed, or that had secret parameters (never stored), fails with the reason. Otherwise the run goes on where it
    /// was: waiting steps keep their approvals, validation keeps its deadline. Throws a <see cref="RunbookException"/>
    /// for a finished run or an id already known.</summary>
    public RunSnapshot Resume(StoredRun stored, Runbook? runbook)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var saved = stored.Run;
        if (saved.Status != RunStatus.Running || saved.DryRun)
        {
            throw new RunbookException($"run {saved.RunId} is {saved.Status.ToString().ToLowerInvariant()}; only unfinished runs resume");
        }
        string? refusal = null;
        if (runbook is null)
        {
            refusal = $"runbook \"{saved.RunbookId}\" is no longer in the runbook directory, so the run cannot resume after the restart; start a new run";
        }
        else if (!string.Equals(runbook.Digest, stored.RunbookDigest, StringComparison.Ordinal))
        {
            refusal = $"runbook \"{saved.RunbookId}\" changed while the server was down, so the run cannot resume on different steps; start it again";
        }
        else if (saved.Steps.FirstOrDefault(s => runbook.Step(s.StepId) is null) is { } unknown)
        {
            refusal = $"runbook \"{saved.RunbookId}\" has no step \"{unknown.StepId}\" any more, so the run cannot resume; start it again";
        }
        else if (stored.SecretParameters.Count > 0)
        {
            refusal = $"the run had secret parameters ({string.Join(", ", stored.SecretParameters)}) whose values are never stored, so it cannot resume after the restart; start it again";
        }
        var book = runbook ?? new Runbook { Id = saved.RunbookId, Title = saved.RunbookId };
        // A runbook that is gone or changed still names the steps for the timeline and the audit log.
        var steps = saved.Steps.Select(s => book.Step(s.StepId) is { } found && found.Kind == s.Kind
            ? found
            : new RunbookStep(s.StepId, s.Kind, s.StepId, s.Section, string.Empty, new Dictionary<string, string>(), RunbookParser.DefaultTimeout, false, 0, StepCondition.Default, 0)).ToList();
        var secrets = new HashSet<string>(book.Parameters.Where(p => p.Secret).Select(p => p.Name), StringComparer.Ordinal);
        var values = stored.Parameters.Where(kv => !secrets.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var request = new RunRequest(book, stored.Parameters, saved.Actor, saved.IncidentId) { Sections = stored.Sections, AutoOnly = stored.AutoOnly };
        var run = new RunState(saved.RunId, request, new ResolvedParameters(values, secrets), steps, saved.StartedAt)
        {
            Validated = saved.Validated,
            Validation = stored.Validation,
            RedactedParameters = stored.Parameters,
        };
        var interrupted = new List<(StepState Step, StepResult Result)>();
        for (var i = 0; i < steps.Count; i++)
        {
            var from = saved.Steps[i];
            var to = run.Steps[i];
            to.Status = from.Status;
            to.Attempts = from.Attempts;
            to.Result = from.Result;
            to.Description = from.Description;
            to.Approvers.AddRange(from.Approvers);
            to.ConfirmedBy = from.ConfirmedBy;
            if (from.Status == StepStatus.Running)
            {
                var result = new StepResult(StepOutcome.Failed, null, string.Empty, false, string.Empty, TimeSpan.Zero,
                    "interrupted by a restart: the step was running when the server stopped and is not run again automatically because it may have had side effects; check its effect, then start the run again if needed");
                to.Status = StepStatus.Failed;
                to.Result = result;
                interrupted.Add((to, result));
            }
        }
        if (interrupted.Count > 0)
        {
            refusal = $"step \"{interrupted[0].Step.Step.Id}\" was interrupted by a restart and is not run again automatically; check its effect, then start the run again if needed";
        }
        lock (_lock)
        {
            if (_runs.ContainsKey(run.Id))
            {
                throw new RunbookException($"run id \"{run.Id}\" is already in use");
            }
            _runs[run.Id] = run;
        }
        run.Completion = Task.Run(() => ResumeAsync(run, interrupted, refusal));
        return Snapshot(run);
    }

    async Task ResumeAsync(RunState run, List<(StepState Step, StepResult Result)> interrupted, string? refusal)
    {
        if (refusal is null)
        {
            await Notify(run, o => o.RunResumedAsync(Snapshot(run), null, CancellationToken.None)).ConfigureAwait(false);
            await ExecuteAsync(run, resumed: true).ConfigureAwait(false);
            return;
        }
        await Notify(run, o => o.RunResumedAsync(Snapshot(run), refusal, CancellationToken.None)).ConfigureAwait(false);
        foreach (var (step, result) in interrupted)
        {
            await Notify(run, o => o.StepFinishedAsync(Snapshot(run), step.Step, result, CancellationToken.None)).ConfigureAwait(false);
        }
        lock (_lock)
        {
            foreach (var s in run.Steps.Where(s => s.Status is StepStatus.Pending or StepStatus.WaitingForApproval or StepStatus.WaitingForConfirmation))
            {
                s.Status = StepStatus.Cancelled;
            }
        }
        Finish(run, RunStatus.Failed, refusal);
        await Notify(run, o => o.RunFinishedAsync(Snapshot(run), CancellationToken.None)).ConfigureAwait(false);
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
        await Notify(run, o => o.ApprovalGrantedAsync(Snapshot(run), step.Step, approver, cancellationToken)).ConfigureAwait(false);
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

    async Task ExecuteAsync(RunState run, bool resumed)
    {
        var ct = run.Cancellation.Token;
        try
        {
            if (!resumed)
            {
                await Notify(run, o => o.RunStartedAsync(Snapshot(run), CancellationToken.None)).ConfigureAwait(false);
            }
            var validation = run.Steps.Where(s => s.Step.Section == RunbookSection.Validation).ToList();
            var validationDone = false;
            foreach (var s in run.Steps)
            {
                if (s.Step.Section == RunbookSection.Validation)
                {
                    if (!validationDone)
                    {
                        validationDone = true;
                        if (!run.Validated)
                        {
                            await ValidateAsync(run, validation, ct).ConfigureAwait(false);
                        }
                    }
                    continue;
                }
                if (resumed && s.Status is not (StepStatus.Pending or StepStatus.WaitingForApproval or StepStatus.WaitingForConfirmation))
                {
                    continue; // it ran, was skipped or was refused before the restart
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
        await Notify(run, o => o.RunFinishedAsync(Snapshot(run), CancellationToken.None)).ConfigureAwait(false);
    }

    async Task ValidateAsync(RunState run, List<StepState> steps, CancellationToken ct)
    {
        var schedule = run.Request.Runbook.Validation;
        var now = _time.GetUtcNow();
        DateTimeOffset deadline;
        int first;
        DateTimeOffset? due;
        bool resumed;
        lock (_lock)
        {
            // A resumed loop keeps the deadline fixed by its first attempt, before the restart.
            resumed = run.Validation is not null;
            run.Validation ??= new ValidationProgress(now + schedule.Deadline, 0, null);
            deadline = run.Validation.Deadline;
            first = run.Validation.Attempt + 1;
            due = run.Validation.NextAttemptAt;
        }
        if (resumed && now > deadline)
        {
            return; // the server was down past the deadline
        }
        if (due is { } at && at > now)
        {
            // The attempt that was scheduled before the restart keeps its time; observers hear of it again, after the
            // timer is armed as below.
            var wait = Task.Delay(at - now, _time, ct);
            await Notify(run, o => o.ValidationRetryScheduledAsync(Snapshot(run), first - 1, at, CancellationToken.None)).ConfigureAwait(false);
            await wait.ConfigureAwait(false);
        }
        for (var attempt = first; ; attempt++)
        {
            lock (_lock)
            {
                run.Validation = new ValidationProgress(deadline, attempt - 1, null);
            }
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
                    run.Validation = new ValidationProgress(deadline, attempt, null);
                }
                await Notify(run, o => o.ValidatedAsync(Snapshot(run), CancellationToken.None)).ConfigureAwait(false);
                return;
            }
            var next = _time.GetUtcNow() + schedule.Interval;
            if (next > deadline)
            {
                return;
            }
            lock (_lock)
            {
                run.Validation = new ValidationProgress(deadline, attempt, next);
            }
            // The timer is armed before observers hear of the retry, so a test clock advanced on that event fires it.
            var delay = Task.Delay(schedule.Interval, _time, ct);
            var n = attempt;
            await Notify(run, o => o.ValidationRetryScheduledAsync(Snapshot(run), n, next, CancellationToken.None)).ConfigureAwait(false);
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
            await Notify(run, o => o.StepSkippedAsync(Snapshot(run), step, reason, CancellationToken.None)).ConfigureAwait(false);
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
            await Notify(run, o => o.ApprovalRequestedAsync(Snapshot(run), step, step.Approvals, CancellationToken.None)).ConfigureAwait(false);
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
            await Notify(run, o => o.ConfirmationRequestedAsync(Snapshot(run), step, CancellationToken.None)).ConfigureAwait(false);
            var by = await gate.Task.WaitAsync(ct).ConfigureAwait(false);
            var confirmed = new StepResult(StepOutcome.Succeeded, null, "confirmed by " + by, false, string.Empty, TimeSpan.Zero, null);
            lock (_lock)
            {
                s.Status = StepStatus.Succeeded;
                s.Result = confirmed;
                s.Attempts++;
            }
            await Notify(run, o => o.StepFinishedAsync(Snapshot(run), step, confirmed, CancellationToken.None)).ConfigureAwait(false);
            return;
        }
        int attempt;
        lock (_lock)
        {
            s.Status = StepStatus.Running;
            attempt = ++s.Attempts;
        }
        await Notify(run, o => o.StepStartedAsync(Snapshot(run), step, attempt, CancellationToken.None)).ConfigureAwait(false);
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
        await Notify(run, o => o.StepFinishedAsync(Snapshot(run), step, result, CancellationToken.None)).ConfigureAwait(false);
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

    /// <summary>Saves the run, then tells the observer: a step is marked running on disk before its executor starts,
    /// so a restart never runs it twice.</summary>
    async Task Notify(RunState run, Func<IRunbookRunObserver, ValueTask> call)
    {
        await PersistAsync(run).ConfigureAwait(false);
        if (_observer is not null)
        {
            await call(_observer).ConfigureAwait(false);
        }
    }

    async Task PersistAsync(RunState run)
    {
        if (_options.Store is not { } store || run.DryRun)
        {
            return;
        }
        // Saves of one run are serialised and each takes its snapshot inside the gate, so a later state is never
        // overwritten by an earlier one (approvals arrive on request threads while the run goes on).
        await run.SaveGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await store.SaveAsync(Stored(run), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _options.StoreFailed?.Invoke(run.Id, ex);
        }
        finally
        {
            run.SaveGate.Release();
        }
    }

    StoredRun Stored(RunState run)
    {
        lock (_lock)
        {
            var secrets = run.Parameters.Secrets.Where(run.Parameters.Values.ContainsKey).Order(StringComparer.Ordinal).ToList();
            return new StoredRun(Snapshot(run), run.Request.Runbook.Digest, run.Request.Sections, run.Request.AutoOnly, run.RedactedParameters, secrets, run.Validation);
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
                run.Error)
            {
                Parameters = run.RedactedParameters,
            };
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

        public SemaphoreSlim SaveGate { get; } = new(1, 1);

        public IReadOnlyDictionary<string, string> RedactedParameters { get; init; } = parameters.Redacted;

        public ValidationProgress? Validation { get; set; }

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
