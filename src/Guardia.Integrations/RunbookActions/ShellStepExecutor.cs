using System.Text;
using Guardia.Core.Runbooks;

namespace Guardia.Integrations.RunbookActions;

/// <summary>Runs <c>shell</c> steps: the body is a bash script, written to a file in the step's scratch directory and
/// run with <c>bash -e -u -o pipefail</c>; parameters are environment variables (<c>"$NAME"</c> in the body), never text
/// spliced into the script. Exit code 0 succeeds.</summary>
public sealed class ShellStepExecutor : IStepExecutor
{
    readonly RunbookActionOptions _options;
    readonly TimeProvider _time;
    readonly ShellRunner _runner;

    /// <summary>Creates the executor for an installation's options.</summary>
    public ShellStepExecutor(RunbookActionOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
        _runner = new ShellRunner(options);
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Kinds { get; } = ["shell"];

    /// <inheritdoc/>
    public string DescribeDryRun(StepRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DescribeScript(request, "bash -e -u -o pipefail", request.Body);
    }

    /// <inheritdoc/>
    public Task<StepResult> ExecuteAsync(StepRequest request, CancellationToken cancellationToken) =>
        StepRun.RunAsync(request, _options, _time, async (output, ct) =>
        {
            _runner.CheckBody(request.Body);
            var exit = await _runner.RunAsync(request, request.Body, output, ct);
            return exit == 0 ? StepEnd.Success(exit) : StepEnd.Failure($"exit code {exit}", exit);
        }, cancellationToken);

    /// <summary>The environment (secret values shown as <c>&lt;secret&gt;</c>) followed by the script.</summary>
    internal static string DescribeScript(StepRequest request, string command, string script)
    {
        var sb = new StringBuilder();
        sb.Append("# ").Append(command).Append(" in a fresh scratch directory, environment:\n");
        foreach (var (name, value) in request.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var shown = request.SecretParameters.Contains(name) ? "<secret>" : value;
            sb.Append("#   ").Append(name).Append('=').Append(shown.ReplaceLineEndings("\\n")).Append('\n');
        }
        sb.Append(script);
        return sb.ToString();
    }
}
