namespace Guardia.Core.Runbooks;

/// <summary>What a run asks for.</summary>
/// <param name="Runbook">The runbook to run.</param>
/// <param name="Parameters">Parameter values by name; defaults fill the rest.</param>
/// <param name="Actor">The person (or <c>guardia</c> for automatic runs) who requested the run; they cannot approve its steps.</param>
/// <param name="IncidentId">The incident the run belongs to, when there is one.</param>
/// <param name="DryRun">Describe every step with parameters resolved and run nothing.</param>
public sealed record RunRequest(
    Runbook Runbook,
    IReadOnlyDictionary<string, string> Parameters,
    string Actor,
    string? IncidentId = null,
    bool DryRun = false)
{
    /// <summary>Only these sections run, when set (all sections when null).</summary>
    public IReadOnlySet<RunbookSection>? Sections { get; init; }

    /// <summary>Only steps marked <c>auto</c> run (what an opening incident uses with the Diagnosis section).</summary>
    public bool AutoOnly { get; init; }
}

/// <summary>Where a run is.</summary>
public enum RunStatus
{
    /// <summary>Steps are running or waiting for people.</summary>
    Running,

    /// <summary>Every step that ran succeeded (and validation passed, when the run had validation steps).</summary>
    Succeeded,

    /// <summary>A step failed, timed out or was rejected, or validation did not pass before its deadline.</summary>
    Failed,

    /// <summary>The run was cancelled.</summary>
    Cancelled,
}

/// <summary>Where a step of a run is.</summary>
public enum StepStatus
{
    /// <summary>Not reached yet.</summary>
    Pending,

    /// <summary>Waiting for one or two distinct approvers.</summary>
    WaitingForApproval,

    /// <summary>A manual step waiting for a person to confirm it.</summary>
    WaitingForConfirmation,

    /// <summary>The executor is running it.</summary>
    Running,

    /// <summary>It ran (or was confirmed) and succeeded.</summary>
    Succeeded,

    /// <summary>It ran and failed.</summary>
    Failed,

    /// <summary>It ran past its timeout.</summary>
    TimedOut,

    /// <summary>It was refused before running.</summary>
    Rejected,

    /// <summary>The run was cancelled before or while it ran.</summary>
    Cancelled,

    /// <summary>Its <c>when</c> condition was false.</summary>
    Skipped,

    /// <summary>A dry-run described it.</summary>
    Described,
}

/// <summary>One step of a run as it is now.</summary>
/// <param name="StepId">The step id.</param>
/// <param name="Kind">The step kind.</param>
/// <param name="Section">The section.</param>
/// <param name="Status">Where the step is.</param>
/// <param name="Attempts">How many times it ran (validation steps re-run).</param>
/// <param name="Result">The last result, once it ran.</param>
/// <param name="Description">The dry-run description, for dry-runs.</param>
/// <param name="Approvers">Who approved it, in order.</param>
/// <param name="ConfirmedBy">Who confirmed it, for manual steps.</param>
public sealed record StepSnapshot(
    string StepId,
    string Kind,
    RunbookSection Section,
    StepStatus Status,
    int Attempts,
    StepResult? Result,
    string? Description,
    IReadOnlyList<string> Approvers,
    string? ConfirmedBy);

/// <summary>A run as it is now.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="RunbookId">The runbook's id.</param>
/// <param name="Actor">Who requested it.</param>
/// <param name="IncidentId">The incident, when there is one.</param>
/// <param name="DryRun">Whether it only described steps.</param>
/// <param name="Status">Where the run is.</param>
/// <param name="Validated">Whether the validation steps passed: the incident can move to mitigated.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="FinishedAt">When it finished, once it has.</param>
/// <param name="Steps">The steps the run covers, in execution order.</param>
/// <param name="Error">Why it failed or was cancelled, when it did.</param>
public sealed record RunSnapshot(
    string RunId,
    string RunbookId,
    string Actor,
    string? IncidentId,
    bool DryRun,
    RunStatus Status,
    bool Validated,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<StepSnapshot> Steps,
    string? Error)
{
    /// <summary>The parameter values of the run, secret ones replaced by <c>&lt;secret&gt;</c>.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The step with the given id, or null.</summary>
    public StepSnapshot? Step(string stepId) => Steps.FirstOrDefault(s => s.StepId == stepId);
}

/// <summary>Receives a run's events, for the incident timeline and the audit log. Calls for one run arrive in order.</summary>
public interface IRunbookRunObserver
{
    /// <summary>A run started.</summary>
    ValueTask RunStartedAsync(RunSnapshot run, CancellationToken cancellationToken);

    /// <summary>A step is about to run (attempt counts from 1).</summary>
    ValueTask StepStartedAsync(RunSnapshot run, RunbookStep step, int attempt, CancellationToken cancellationToken);

    /// <summary>A step ran, or a manual step was confirmed.</summary>
    ValueTask StepFinishedAsync(RunSnapshot run, RunbookStep step, StepResult result, CancellationToken cancellationToken);

    /// <summary>A step did not run because its <c>when</c> condition was false.</summary>
    ValueTask StepSkippedAsync(RunSnapshot run, RunbookStep step, string reason, CancellationToken cancellationToken);

    /// <summary>A step waits for <paramref name="required"/> distinct approvers.</summary>
    ValueTask ApprovalRequestedAsync(RunSnapshot run, RunbookStep step, int required, CancellationToken cancellationToken);

    /// <summary>A person approved a step.</summary>
    ValueTask ApprovalGrantedAsync(RunSnapshot run, RunbookStep step, string approver, CancellationToken cancellationToken);

    /// <summary>A manual step waits for a person to confirm it.</summary>
    ValueTask ConfirmationRequestedAsync(RunSnapshot run, RunbookStep step, CancellationToken cancellationToken);

    /// <summary>A validation attempt did not pass; the next one starts at <paramref name="nextAttemptAt"/>.</summary>
    ValueTask ValidationRetryScheduledAsync(RunSnapshot run, int attempt, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken);

    /// <summary>Every validation step passed: the incident can move to mitigated.</summary>
    ValueTask ValidatedAsync(RunSnapshot run, CancellationToken cancellationToken);

    /// <summary>The run finished (succeeded, failed or cancelled).</summary>
    ValueTask RunFinishedAsync(RunSnapshot run, CancellationToken cancellationToken);

    /// <summary>A stored run was taken up again after a restart; <paramref name="refusal"/> says why it cannot go on
    /// (it then finishes failed), or is null when it resumes.</summary>
    ValueTask RunResumedAsync(RunSnapshot run, string? refusal, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Limits and defaults of a <see cref="RunbookRunner"/>.</summary>
public sealed record RunbookRunnerOptions
{
    /// <summary>How many runs may be active at once; further runs are refused with a <see cref="RunbookException"/>.</summary>
    public int MaxConcurrentRuns { get; init; } = 4;

    /// <summary>How long past a step's timeout the runner waits for the executor before it cancels the step itself.</summary>
    public TimeSpan TimeoutGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Makes run ids; the default is a random GUID.</summary>
    public Func<string> NewRunId { get; init; } = () => Guid.NewGuid().ToString("N");

    /// <summary>Where every change of a run is saved so that it survives a restart (none: runs live in memory only).</summary>
    public IRunbookRunStore? Store { get; init; }

    /// <summary>Told when saving a run failed (the run goes on; the failure should be logged).</summary>
    public Action<string, Exception>? StoreFailed { get; init; }
}
