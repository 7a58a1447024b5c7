using System.Text.RegularExpressions;
using Guardia.Core.Runbooks;

namespace Guardia.Integrations.RunbookActions;

/// <summary>Runs <c>kubectl</c> steps: a shell step whose body holds kubectl commands (parameters as environment
/// variables: <c>kubectl -n "$NAMESPACE" get pods</c> is not allowed in dry-run mode, write
/// <c>kubectl get pods -n "$NAMESPACE"</c>). In dry-run mode (<c>kubectl_dry_run</c> in the options, or the step's
/// <c>dry_run</c> attribute: none, client, server) every mutating command gets <c>--dry-run=MODE</c> right after its
/// verb, and a command whose verb is not known to be read-only or mutating is refused.</summary>
public sealed partial class KubectlStepExecutor : IStepExecutor
{
    static readonly HashSet<string> ReadOnlyVerbs = new(StringComparer.Ordinal)
    {
        "get", "describe", "logs", "top", "explain", "version", "cluster-info", "api-resources", "api-versions",
        "auth", "diff", "wait", "events",
    };

    static readonly HashSet<string> MutatingVerbs = new(StringComparer.Ordinal)
    {
        "apply", "create", "delete", "patch", "replace", "scale", "label", "annotate", "expose", "run", "autoscale",
        "cordon", "uncordon", "drain", "taint", "set", "rollout",
    };

    static readonly HashSet<string> ReadOnlyRolloutVerbs = new(StringComparer.Ordinal) { "status", "history" };

    readonly RunbookActionOptions _options;
    readonly TimeProvider _time;
    readonly ShellRunner _runner;

    /// <summary>Creates the executor for an installation's options.</summary>
    public KubectlStepExecutor(RunbookActionOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
        _runner = new ShellRunner(options);
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Kinds { get; } = ["kubectl"];

    /// <inheritdoc/>
    public string DescribeDryRun(StepRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var mode = Mode(request);
        try
        {
            var script = Rewrite(request.Body, mode == "none" ? "client" : mode, out _);
            var header = mode == "none"
                ? "bash -e -u -o pipefail (kubectl_dry_run is none: the commands run for real; previewed with --dry-run=client)"
                : $"bash -e -u -o pipefail (kubectl --dry-run={mode})";
            return ShellStepExecutor.DescribeScript(request, header, script);
        }
        catch (StepRejectedException ex)
        {
            return "refused: " + ex.Message;
        }
    }

    /// <inheritdoc/>
    public Task<StepResult> ExecuteAsync(StepRequest request, CancellationToken cancellationToken) =>
        StepRun.RunAsync(request, _options, _time, async (output, ct) =>
        {
            var mode = Mode(request);
            var script = mode == "none" ? request.Body : Rewrite(request.Body, mode, out _);
            _runner.CheckBody(script);
            if (!_options.Executables.Contains("kubectl", StringComparer.Ordinal))
            {
                throw new StepRejectedException("kubectl is not in this installation's executable allowlist");
            }
            var exit = await _runner.RunAsync(request, script, output, ct);
            return exit == 0 ? StepEnd.Success(exit) : StepEnd.Failure($"exit code {exit}", exit);
        }, cancellationToken);

    string Mode(StepRequest request)
    {
        var mode = request.Attributes.TryGetValue("dry_run", out var m) ? m : _options.KubectlDryRun;
        return mode switch
        {
            "none" or "client" or "server" => mode,
            "true" => "client",
            "false" => "none",
            _ => throw new StepRejectedException($"dry_run must be none, client or server, not \"{mode}\""),
        };
    }

    /// <summary>Adds <c>--dry-run=MODE</c> after the verb of every mutating kubectl command in <paramref name="body"/>.</summary>
    internal static string Rewrite(string body, string mode, out int mutating)
    {
        var count = 0;
        var result = Invocation().Replace(body, m =>
        {
            var verb = m.Groups["verb"].Value;
            var sub = m.Groups["sub"].Value;
            if (verb.Length == 0 || verb.StartsWith('-'))
            {
                throw new StepRejectedException($"in dry-run mode, write the verb right after kubectl (flags after it): \"{m.Value.Trim()}\"");
            }
            if (ReadOnlyVerbs.Contains(verb) || (verb == "rollout" && ReadOnlyRolloutVerbs.Contains(sub)))
            {
                return m.Value;
            }
            if (!MutatingVerbs.Contains(verb))
            {
                throw new StepRejectedException($"kubectl {verb} has no dry-run form; it cannot run in dry-run mode");
            }
            count++;
            var flag = " --dry-run=" + mode;
            // Subcommand groups take the flag after their subcommand (kubectl rollout restart --dry-run=client ...).
            return verb is "rollout" or "set" && sub.Length > 0
                ? m.Value + flag
                : m.Groups["head"].Value + flag + m.Value[m.Groups["head"].Length..];
        });
        mutating = count;
        return result;
    }

    [GeneratedRegex(@"(?<head>(?<![\w./-])kubectl[ \t]+(?<verb>[^\s;|&)]*))(?:[ \t]+(?<sub>[a-z][a-z-]*))?")]
    private static partial Regex Invocation();
}
