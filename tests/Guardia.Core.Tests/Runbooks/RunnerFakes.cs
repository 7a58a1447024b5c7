using Guardia.Core.Runbooks;

namespace Guardia.Core.Tests.Runbooks;

/// <summary>A step executor for runner tests: records every request, answers with scripted outcomes (success by
/// default), and can block a step until it is cancelled.</summary>
sealed class FakeExecutor : IStepExecutor
{
    readonly Lock _lock = new();

    public IReadOnlyCollection<string> Kinds { get; } = ["shell", "kubectl", "promql", "http"];

    public List<StepRequest> Requests { get; } = [];

    /// <summary>Outcomes by step id, taken in order; once used up, steps succeed.</summary>
    public Dictionary<string, List<StepOutcome>> Outcomes { get; } = [];

    /// <summary>Steps that wait until cancelled.</summary>
    public HashSet<string> Block { get; } = [];

    /// <summary>Completes when a blocked step started.</summary>
    public TaskCompletionSource Blocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Called with each request before it is recorded.</summary>
    public Action<StepRequest>? OnExecute { get; set; }

    public int Described { get; private set; }

    public string DescribeDryRun(StepRequest request)
    {
        Described++;
        return $"described {request.StepId} " + string.Join(' ', request.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
    }

    public async Task<StepResult> ExecuteAsync(StepRequest request, CancellationToken cancellationToken)
    {
        OnExecute?.Invoke(request);
        StepOutcome outcome;
        lock (_lock)
        {
            Requests.Add(request);
            outcome = StepOutcome.Succeeded;
            if (Outcomes.TryGetValue(request.StepId, out var list) && list.Count > 0)
            {
                outcome = list[0];
                list.RemoveAt(0);
            }
        }
        if (Block.Contains(request.StepId))
        {
            Blocked.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        return new StepResult(outcome, outcome == StepOutcome.Succeeded ? 0 : 1, "out", false, "00", TimeSpan.Zero, null);
    }
}

/// <summary>A run observer for runner tests: records every event as a short string and lets a test wait for one.</summary>
sealed class Recorder : IRunbookRunObserver
{
    readonly Lock _lock = new();
    readonly List<(string Event, TaskCompletionSource Done)> _waiters = [];

    public List<string> Events { get; } = [];

    public Task WaitFor(string e)
    {
        lock (_lock)
        {
            if (Events.Contains(e))
            {
                return Task.CompletedTask;
            }
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((e, tcs));
            return tcs.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
    }

    ValueTask Add(string e)
    {
        lock (_lock)
        {
            Events.Add(e);
            foreach (var w in _waiters.Where(w => w.Event == e).ToList())
            {
                w.Done.TrySetResult();
                _waiters.Remove(w);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask RunStartedAsync(RunSnapshot run, CancellationToken cancellationToken) => Add("run-started");

    public ValueTask RunResumedAsync(RunSnapshot run, string? refusal, CancellationToken cancellationToken) => Add(refusal is null ? "resumed" : "resumed refused");

    public ValueTask StepStartedAsync(RunSnapshot run, RunbookStep step, int attempt, CancellationToken cancellationToken) => Add($"step-started {step.Id} {attempt}");

    public ValueTask StepFinishedAsync(RunSnapshot run, RunbookStep step, StepResult result, CancellationToken cancellationToken) => Add($"step-finished {step.Id} {result.Outcome}");

    public ValueTask StepSkippedAsync(RunSnapshot run, RunbookStep step, string reason, CancellationToken cancellationToken) => Add($"step-skipped {step.Id}");

    public ValueTask ApprovalRequestedAsync(RunSnapshot run, RunbookStep step, int required, CancellationToken cancellationToken) => Add($"approval-requested {step.Id} {required}");

    public ValueTask ApprovalGrantedAsync(RunSnapshot run, RunbookStep step, string approver, CancellationToken cancellationToken) => Add($"approval-granted {step.Id} {approver}");

    public ValueTask ConfirmationRequestedAsync(RunSnapshot run, RunbookStep step, CancellationToken cancellationToken) => Add($"confirmation-requested {step.Id}");

    public ValueTask ValidationRetryScheduledAsync(RunSnapshot run, int attempt, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) => Add($"validation-retry {attempt}");

    public ValueTask ValidatedAsync(RunSnapshot run, CancellationToken cancellationToken) => Add("validated");

    public ValueTask RunFinishedAsync(RunSnapshot run, CancellationToken cancellationToken) => Add($"run-finished {run.Status}");
}
