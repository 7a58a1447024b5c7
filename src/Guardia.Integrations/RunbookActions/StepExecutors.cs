using Guardia.Core.Runbooks;

namespace Guardia.Integrations.RunbookActions;

/// <summary>Builds every step executor of this folder for one installation's options.</summary>
public static class StepExecutors
{
    /// <summary>The executors by step kind: shell, kubectl, http, promql, sql and wait.</summary>
    /// <param name="options">The installation's runbook action options.</param>
    /// <param name="time">The clock for timeouts, durations and waits.</param>
    /// <param name="http">The client for http and promql steps; it must not follow redirects. Null creates one.</param>
    public static IReadOnlyDictionary<string, IStepExecutor> Create(RunbookActionOptions options, TimeProvider time, HttpClient? http = null)
    {
        IStepExecutor[] executors =
        [
            new ShellStepExecutor(options, time),
            new KubectlStepExecutor(options, time),
            new HttpStepExecutor(options, time, http),
            new PromQlStepExecutor(options, time, http),
            new SqlStepExecutor(options, time),
            new WaitStepExecutor(options, time),
        ];
        var byKind = new Dictionary<string, IStepExecutor>(StringComparer.Ordinal);
        foreach (var executor in executors)
        {
            foreach (var kind in executor.Kinds)
            {
                byKind.Add(kind, executor);
            }
        }
        return byKind;
    }
}
