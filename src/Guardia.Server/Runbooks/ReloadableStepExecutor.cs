using Guardia.Core.Runbooks;
using Guardia.Integrations.RunbookActions;

namespace Guardia.Server.Runbooks;

/// <summary>Every step kind, run by the executors of the current <c>runbook_actions:</c>; a reload swaps them whole,
/// and a step already running keeps the executor it started with.</summary>
sealed class ReloadableStepExecutor(TimeProvider time) : IStepExecutor
{
    static readonly string[] AllKinds =
    [
        RunbookStepKinds.Shell, RunbookStepKinds.Kubectl, RunbookStepKinds.Http, RunbookStepKinds.PromQL, RunbookStepKinds.Sql, RunbookStepKinds.Wait,
    ];

    IReadOnlyDictionary<string, IStepExecutor> _current = new Dictionary<string, IStepExecutor>(StringComparer.Ordinal);
    RunbookActionOptions? _options;

    public IReadOnlyCollection<string> Kinds => AllKinds;

    /// <summary>Builds the executors for <paramref name="options"/> unless they are the ones in use.</summary>
    public void Configure(RunbookActionOptions options)
    {
        if (Equals(options, Volatile.Read(ref _options)))
        {
            return;
        }
        Volatile.Write(ref _current, StepExecutors.Create(options, time));
        Volatile.Write(ref _options, options);
    }

    public string DescribeDryRun(StepRequest request) => For(request.Kind).DescribeDryRun(request);

    public Task<StepResult> ExecuteAsync(StepRequest request, CancellationToken cancellationToken) =>
        For(request.Kind).ExecuteAsync(request, cancellationToken);

    IStepExecutor For(string kind) =>
        Volatile.Read(ref _current).TryGetValue(kind, out var executor)
            ? executor
            : throw new RunbookException($"no executor for {kind} steps is configured");
}
