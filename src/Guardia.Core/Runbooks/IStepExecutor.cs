namespace Guardia.Core.Runbooks;

/// <summary>One executable runbook step, with its parameters already validated against their patterns.</summary>
/// <param name="RunId">The run this step belongs to.</param>
/// <param name="StepId">The step's id in the runbook.</param>
/// <param name="Kind">shell, http, promql, sql, kubectl, wait (manual steps never reach an executor).</param>
/// <param name="Body">The fenced block's text, exactly as written; parameters are never spliced into it.</param>
/// <param name="Attributes">The fence's attributes (id, kind, timeout, connection, expect, ...).</param>
/// <param name="Parameters">Parameter values by name; executors pass them as environment variables or argument vectors.</param>
/// <param name="SecretParameters">Names of parameters whose values must be redacted from any output.</param>
/// <param name="Timeout">How long the step may run before it is stopped.</param>
public sealed record StepRequest(
    string RunId,
    string StepId,
    string Kind,
    string Body,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlySet<string> SecretParameters,
    TimeSpan Timeout);

/// <summary>How a step ended.</summary>
public enum StepOutcome
{
    /// <summary>It ran and its expectations held (exit 0, expected status, condition true).</summary>
    Succeeded,

    /// <summary>It ran and failed (non-zero exit, unexpected status, condition false).</summary>
    Failed,

    /// <summary>It ran past its timeout and was stopped.</summary>
    TimedOut,

    /// <summary>It was cancelled by a person or by shutdown.</summary>
    Cancelled,

    /// <summary>It was refused before running (executable not allowed, invalid parameter, write to a read-only connection).</summary>
    Rejected,
}

/// <summary>What a step produced. <paramref name="Output"/> is size-limited and has secrets redacted;
/// <paramref name="OutputSha256"/> is the hex digest of the full, unredacted output, for the audit log.</summary>
public sealed record StepResult(
    StepOutcome Outcome,
    int? ExitCode,
    string Output,
    bool OutputTruncated,
    string OutputSha256,
    TimeSpan Duration,
    string? Error);

/// <summary>Runs steps of one or more kinds. Implementations live at the edge (Guardia.Integrations/RunbookActions).</summary>
public interface IStepExecutor
{
    /// <summary>The step kinds this executor runs.</summary>
    IReadOnlyCollection<string> Kinds { get; }

    /// <summary>Describes what the step would do, with parameters resolved, without running anything.</summary>
    string DescribeDryRun(StepRequest request);

    /// <summary>Runs the step.</summary>
    Task<StepResult> ExecuteAsync(StepRequest request, CancellationToken cancellationToken);
}
