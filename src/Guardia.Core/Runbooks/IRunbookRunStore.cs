namespace Guardia.Core.Runbooks;

/// <summary>Everything a run needs to resume after a restart, and to be shown once it finished.</summary>
/// <param name="Run">The run as it was at its last change; step outputs are already size-limited and redacted.</param>
/// <param name="RunbookDigest">The <see cref="Runbook.Digest"/> of the runbook the run started on.</param>
/// <param name="Sections">The sections the request asked for (null: all).</param>
/// <param name="AutoOnly">Whether only <c>auto</c> steps run.</param>
/// <param name="Parameters">The parameter values, secret ones replaced by <c>&lt;secret&gt;</c>: a secret value is never stored.</param>
/// <param name="SecretParameters">The names of the secret parameters that had a value; a run with any cannot resume.</param>
/// <param name="Validation">Where the validation loop is, once it started.</param>
public sealed record StoredRun(
    RunSnapshot Run,
    string RunbookDigest,
    IReadOnlySet<RunbookSection>? Sections,
    bool AutoOnly,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<string> SecretParameters,
    ValidationProgress? Validation)
{
    /// <summary>The run id.</summary>
    public string RunId => Run.RunId;
}

/// <summary>Where a run's validation loop is: its deadline is fixed when the first attempt starts.</summary>
/// <param name="Deadline">The instant past which validation gives up.</param>
/// <param name="Attempt">How many attempts finished.</param>
/// <param name="NextAttemptAt">When the next attempt starts, while the loop waits between attempts.</param>
public sealed record ValidationProgress(DateTimeOffset Deadline, int Attempt, DateTimeOffset? NextAttemptAt);

/// <summary>Keeps runbook runs across restarts: every change of a run is saved, unfinished runs are loaded at start to
/// resume, and finished runs stay listed up to a retention limit.</summary>
public interface IRunbookRunStore
{
    /// <summary>Saves the run's current state, replacing the previous one; completes once it is on disk.</summary>
    Task SaveAsync(StoredRun run, CancellationToken cancellationToken);

    /// <summary>Every run that had not finished, oldest first.</summary>
    Task<IReadOnlyList<StoredRun>> LoadUnfinishedAsync(CancellationToken cancellationToken);

    /// <summary>The newest finished runs, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredRun>> ListFinishedAsync(int limit, CancellationToken cancellationToken);

    /// <summary>The run with the given id, finished or not, or null.</summary>
    Task<StoredRun?> GetAsync(string runId, CancellationToken cancellationToken);
}
