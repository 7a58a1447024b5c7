using System.Text.RegularExpressions;
using Guardia.Core.Runbooks;

namespace Guardia.Integrations.RunbookActions;

/// <summary>A step refused before it ran: the message says what and how to fix it.</summary>
sealed class StepRejectedException(string message) : Exception(message);

/// <summary>What a step body reports back to <see cref="StepRun"/>.</summary>
readonly record struct StepEnd(StepOutcome Outcome, int? ExitCode, string? Error)
{
    public static StepEnd Success(int? exitCode = null) => new(StepOutcome.Succeeded, exitCode, null);

    public static StepEnd Failure(string error, int? exitCode = null) => new(StepOutcome.Failed, exitCode, error);
}

/// <summary>The frame every executor runs its step in: parameter validation, the effective timeout, cancellation,
/// output capture with redaction and digest, and the duration measured on the injected clock.</summary>
static partial class StepRun
{
    /// <summary>Longest parameter value accepted (environment variables and URLs have practical limits well below).</summary>
    public const int MaxParameterLength = 32 * 1024;

    /// <summary>Environment names a parameter may not take: they change how bash or the dynamic loader behave.</summary>
    static readonly HashSet<string> ReservedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "PATH", "HOME", "TMPDIR", "LANG", "TZ", "IFS", "ENV", "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PS4", "CDPATH",
        "GLOBIGNORE", "BASH_XTRACEFD", "PROMPT_COMMAND", "SHELL", "LC_ALL", "HISTFILE", "INPUTRC", "KUBECONFIG",
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex ParameterName();

    /// <summary>Checks every parameter's name and value; a bad one rejects the step.</summary>
    public static void ValidateParameters(StepRequest request)
    {
        foreach (var (name, value) in request.Parameters)
        {
            if (!ParameterName().IsMatch(name))
            {
                throw new StepRejectedException($"parameter name \"{Printable(name)}\" is not valid: use letters, digits and _, starting with a letter or _ (at most 64)");
            }
            if (ReservedNames.Contains(name) || name.StartsWith("LD_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("BASH_", StringComparison.OrdinalIgnoreCase))
            {
                throw new StepRejectedException($"parameter name \"{name}\" is reserved (it would change how the step's shell or loader behaves); rename it");
            }
            if (value.Contains('\0', StringComparison.Ordinal))
            {
                throw new StepRejectedException($"parameter \"{name}\" contains a NUL character");
            }
            if (value.Length > MaxParameterLength)
            {
                throw new StepRejectedException($"parameter \"{name}\" is longer than {MaxParameterLength} characters");
            }
        }
    }

    /// <summary>The step's timeout bounded by the installation's maximum; zero or negative means the maximum.</summary>
    public static TimeSpan EffectiveTimeout(StepRequest request, RunbookActionOptions options) =>
        request.Timeout <= TimeSpan.Zero || request.Timeout > options.MaxTimeout ? options.MaxTimeout : request.Timeout;

    /// <summary>Runs <paramref name="body"/> with the step's timeout and cancellation and turns what happened into a
    /// <see cref="StepResult"/>.</summary>
    public static async Task<StepResult> RunAsync(
        StepRequest request,
        RunbookActionOptions options,
        TimeProvider time,
        Func<OutputCapture, CancellationToken, Task<StepEnd>> body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetTimestamp();
        var redactor = Redactor.For(request, options);
        using var output = new OutputCapture(options.OutputLimitBytes, redactor.LongestValue);
        using var timeout = new CancellationTokenSource(EffectiveTimeout(request, options), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        StepEnd end;
        try
        {
            ValidateParameters(request);
            end = await body(output, linked.Token);
        }
        catch (StepRejectedException ex)
        {
            end = new StepEnd(StepOutcome.Rejected, null, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            end = new StepEnd(StepOutcome.Cancelled, null, "the step was cancelled");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            end = new StepEnd(StepOutcome.TimedOut, null, $"the step ran longer than its timeout of {EffectiveTimeout(request, options)} and was stopped");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An executor's own I/O failed (scratch directory, unexpected answer): the step failed, the run goes on.
            end = new StepEnd(StepOutcome.Failed, null, $"the step could not run: {ex.GetType().Name}: {ex.Message}");
        }
        // A body that saw the cancellation itself (a killed process exits non-zero) reports a failure: settle it here.
        // A body that finished successfully keeps its success even if the timeout fired in the same instant.
        if (end.Outcome == StepOutcome.Failed && linked.IsCancellationRequested)
        {
            end = cancellationToken.IsCancellationRequested
                ? new StepEnd(StepOutcome.Cancelled, end.ExitCode, "the step was cancelled")
                : new StepEnd(StepOutcome.TimedOut, end.ExitCode, $"the step ran longer than its timeout of {EffectiveTimeout(request, options)} and was stopped");
        }
        var (text, truncated, sha) = output.Finish(redactor);
        var error = end.Error is null ? null : redactor.Redact(end.Error);
        return new StepResult(end.Outcome, end.ExitCode, text, truncated, sha, time.GetElapsedTime(started), error);
    }

    /// <summary>Replaces <c>{name}</c> placeholders using <paramref name="encode"/>; unknown names reject the step.</summary>
    public static string Substitute(string text, StepRequest request, Func<string, string, string> encode, bool dryRun)
    {
        return Placeholder().Replace(text, m =>
        {
            var name = m.Groups[1].Value;
            if (!request.Parameters.TryGetValue(name, out var value))
            {
                throw new StepRejectedException($"{{{name}}} names no parameter of this step");
            }
            return dryRun && request.SecretParameters.Contains(name) ? encode(name, "<secret>") : encode(name, value);
        });
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    public static partial Regex Placeholder();

    static string Printable(string s) => new([.. s.Select(c => char.IsControl(c) ? '?' : c)]);
}
