using System.Globalization;
using System.Text.Json;
using Guardia.Core.Audit;
using Guardia.Core.Incidents;
using Guardia.Core.Runbooks;
using Guardia.Server.Hosting;

namespace Guardia.Server.Runbooks;

/// <summary>Writes what runs do where people look: every step's start and result on the run's incident timeline
/// (as notes, with the output in the entry's data), one <c>runbook.step.run</c> audit event per step that ran,
/// and, when validation passes, moves the incident to mitigated.</summary>
/// <remarks>Outputs arrive size-limited and redacted by the executors; the audit event keeps only their digest.
/// A failure to record never fails the run: it is logged.</remarks>
sealed class RunbookRecorder(
    IncidentService incidents,
    IAuditLog audit,
    TimeProvider time,
    Func<RunbookSettings> settings,
    ILogger logger) : IRunbookRunObserver
{
    /// <summary>The audit event kind of one step run.</summary>
    public const string StepRunKind = "runbook.step.run";

    /// <summary>The audit event kind of a run taken up (or refused) after a restart.</summary>
    public const string RunResumeKind = "runbook.run.resume";

    /// <summary>At most this much of a step's output goes into a timeline entry.</summary>
    const int TimelineOutputLimit = 16 * 1024;

    public ValueTask RunStartedAsync(RunSnapshot run, CancellationToken cancellationToken) =>
        NoteAsync(run, Data(run, RunbookTimelineText.RunStarted, null, ("requested_by", run.Actor), ("steps", run.Steps.Count.ToString(CultureInfo.InvariantCulture))));

    public ValueTask StepStartedAsync(RunSnapshot run, RunbookStep step, int attempt, CancellationToken cancellationToken)
    {
        return NoteAsync(run, Data(run, RunbookTimelineText.StepStarted, step, ("attempt", attempt.ToString(CultureInfo.InvariantCulture))));
    }

    public async ValueTask StepFinishedAsync(RunSnapshot run, RunbookStep step, StepResult result, CancellationToken cancellationToken)
    {
        var data = Data(run, RunbookTimelineText.StepFinished, step);
        data["outcome"] = Outcome(result.Outcome);
        if (result.ExitCode is { } exit)
        {
            data["exit_code"] = exit.ToString(CultureInfo.InvariantCulture);
        }
        data["duration_ms"] = ((long)result.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        data["output"] = result.Output.Length <= TimelineOutputLimit ? result.Output : result.Output[..TimelineOutputLimit];
        data["output_truncated"] = (result.OutputTruncated || result.Output.Length > TimelineOutputLimit) ? "true" : "false";
        data["output_sha256"] = result.OutputSha256;
        if (result.Error is { } error)
        {
            data["error"] = error;
        }
        await NoteAsync(run, data);
        if (!step.IsManual)
        {
            await AuditAsync(run, step, result);
        }
    }

    public ValueTask StepSkippedAsync(RunSnapshot run, RunbookStep step, string reason, CancellationToken cancellationToken) =>
        NoteAsync(run, Data(run, RunbookTimelineText.StepSkipped, step, ("reason", reason)));

    public ValueTask ApprovalRequestedAsync(RunSnapshot run, RunbookStep step, int required, CancellationToken cancellationToken) =>
        NoteAsync(run, Data(run, RunbookTimelineText.ApprovalRequested, step, ("required", required.ToString(CultureInfo.InvariantCulture)), ("requested_by", run.Actor)));

    public ValueTask ApprovalGrantedAsync(RunSnapshot run, RunbookStep step, string approver, CancellationToken cancellationToken) =>
        NoteAsync(run, Data(run, RunbookTimelineText.ApprovalGranted, step), approver);

    public ValueTask ConfirmationRequestedAsync(RunSnapshot run, RunbookStep step, CancellationToken cancellationToken) =>
        NoteAsync(run, Data(run, RunbookTimelineText.ConfirmationRequested, step, ("title", step.Title)));

    public ValueTask ValidationRetryScheduledAsync(RunSnapshot run, int attempt, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        NoteAsync(run, Data(run, RunbookTimelineText.ValidationRetry, null, ("attempt", attempt.ToString(CultureInfo.InvariantCulture)), ("next_at", nextAttemptAt.ToString("O", CultureInfo.InvariantCulture))));

    public async ValueTask ValidatedAsync(RunSnapshot run, CancellationToken cancellationToken)
    {
        await NoteAsync(run, Data(run, RunbookTimelineText.Validated));
        if (run.IncidentId is not { } id || !settings().ValidationMitigates)
        {
            return;
        }
        try
        {
            var engine = incidents.Engine;
            if (await engine.GetAsync(id, CancellationToken.None) is { Status: IncidentStatus.Triggered or IncidentStatus.Acknowledged })
            {
                await engine.MitigateAsync(id, Actors.System, CancellationToken.None);
            }
        }
        catch (IncidentException ex)
        {
            logger.LogWarning("Runbook {Runbook} run {Run} validated, but incident {Incident} could not move to mitigated: {Error}", run.RunbookId, run.RunId, id, ex.Message);
        }
    }

    public ValueTask RunFinishedAsync(RunSnapshot run, CancellationToken cancellationToken) =>
        NoteAsync(run, run.Error is null
            ? Data(run, RunbookTimelineText.RunFinished, null, ("status", run.Status.ToString().ToLowerInvariant()))
            : Data(run, RunbookTimelineText.RunFinished, null, ("status", run.Status.ToString().ToLowerInvariant()), ("error", run.Error)));

    public async ValueTask RunResumedAsync(RunSnapshot run, string? refusal, CancellationToken cancellationToken)
    {
        await NoteAsync(run, refusal is null
            ? Data(run, RunbookTimelineText.RunResumed)
            : Data(run, RunbookTimelineText.RunResumed, null, ("refusal", refusal)), Actors.System);
        var details = new Dictionary<string, string?>
        {
            ["runbook"] = run.RunbookId,
            ["run"] = run.RunId,
            ["incident"] = run.IncidentId,
            ["requested_by"] = run.Actor,
            ["outcome"] = refusal is null ? "resumed" : "refused",
            ["error"] = refusal,
            ["waiting"] = string.Join(",", run.Steps.Where(s => s.Status is StepStatus.WaitingForApproval or StepStatus.WaitingForConfirmation).Select(s => s.StepId)),
        };
        try
        {
            await audit.AppendAsync(new AuditEntry(time.GetUtcNow(), Actors.System, RunResumeKind, run.RunbookId + "/" + run.RunId, AuditDetails.Of(details)), CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            logger.LogError("Runbook {Runbook} run {Run}: the resume audit event could not be written: {Error}", run.RunbookId, run.RunId, ex.Message);
        }
    }

    /// <summary>Writes a runbook event on the run's incident timeline; the stored sentence is the English one
    /// <see cref="RunbookTimelineText"/> builds from <paramref name="data"/>, so Spanish readers get it rebuilt.</summary>
    async ValueTask NoteAsync(RunSnapshot run, Dictionary<string, string> data, string? actor = null)
    {
        if (run.IncidentId is not { } id || run.DryRun)
        {
            return;
        }
        actor ??= run.Actor;
        var text = RunbookTimelineText.English(data, actor);
        try
        {
            await incidents.Engine.RecordEventAsync(id, TimelineKind.Note, text.Length <= 2000 ? text : text[..2000], data, actor, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IncidentException or InvalidOperationException or IOException)
        {
            logger.LogWarning("Runbook {Runbook} run {Run}: could not write on incident {Incident}'s timeline: {Error}", run.RunbookId, run.RunId, id, ex.Message);
        }
    }

    async Task AuditAsync(RunSnapshot run, RunbookStep step, StepResult result)
    {
        var snapshot = run.Step(step.Id);
        var details = new Dictionary<string, string?>
        {
            ["runbook"] = run.RunbookId,
            ["run"] = run.RunId,
            ["step"] = step.Id,
            ["kind"] = step.Kind,
            ["section"] = step.Section.ToString().ToLowerInvariant(),
            ["incident"] = run.IncidentId,
            ["parameters"] = JsonSerializer.Serialize(run.Parameters),
            ["approvers"] = snapshot is null ? null : string.Join(",", snapshot.Approvers),
            ["outcome"] = Outcome(result.Outcome),
            ["exit_code"] = result.ExitCode?.ToString(CultureInfo.InvariantCulture),
            ["duration_ms"] = ((long)result.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ["output_sha256"] = result.OutputSha256,
            ["error"] = result.Error,
        };
        try
        {
            await audit.AppendAsync(new AuditEntry(time.GetUtcNow(), run.Actor, StepRunKind, $"{run.RunbookId}/{step.Id}", AuditDetails.Of(details)), CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            logger.LogError("Runbook {Runbook} run {Run} step {Step}: the audit event could not be written: {Error}", run.RunbookId, run.RunId, step.Id, ex.Message);
        }
    }

    static Dictionary<string, string> Data(RunSnapshot run, string runbookEvent, RunbookStep? step = null, params (string Key, string Value)[] more)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["runbook"] = run.RunbookId,
            ["run"] = run.RunId,
            [RunbookTimelineText.Event] = runbookEvent,
        };
        if (step is not null)
        {
            data["step"] = step.Id;
            data["kind"] = step.Kind;
            data["section"] = step.Section.ToString().ToLowerInvariant();
        }
        foreach (var (k, v) in more)
        {
            data[k] = v;
        }
        return data;
    }

    /// <summary>The outcome as a past participle, for sentences and the API.</summary>
    internal static string Outcome(StepOutcome outcome) => outcome switch
    {
        StepOutcome.Succeeded => "succeeded",
        StepOutcome.Failed => "failed",
        StepOutcome.TimedOut => "timed out",
        StepOutcome.Cancelled => "cancelled",
        _ => "rejected",
    };
}
