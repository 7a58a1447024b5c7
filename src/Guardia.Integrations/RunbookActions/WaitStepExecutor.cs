using Guardia.Core.Configuration;
using Guardia.Core.Runbooks;

namespace Guardia.Integrations.RunbookActions;

/// <summary>Runs <c>wait</c> steps: waits the Prometheus duration in the <c>duration</c> attribute (or, without one, the
/// body's text, e.g. <c>5m</c>) on the injected clock. A wait longer than the step's timeout is refused up front.</summary>
public sealed class WaitStepExecutor : IStepExecutor
{
    readonly RunbookActionOptions _options;
    readonly TimeProvider _time;

    /// <summary>Creates the executor.</summary>
    public WaitStepExecutor(RunbookActionOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Kinds { get; } = ["wait"];

    /// <inheritdoc/>
    public string DescribeDryRun(StepRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return "wait " + PromDuration.Format(Duration(request));
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
            var duration = Duration(request);
            var timeout = StepRun.EffectiveTimeout(request, _options);
            if (duration > timeout)
            {
                throw new StepRejectedException($"the wait of {PromDuration.Format(duration)} is longer than the step's timeout of {PromDuration.Format(timeout)}");
            }
            // The wait is no longer than the timeout (checked above), so only the caller's token may cut it short:
            // a 5m wait with a 5m timeout completes rather than racing its own timeout.
            _ = ct;
            await Task.Delay(duration, _time, cancellationToken);
            output.Append($"waited {PromDuration.Format(duration)}\n");
            return StepEnd.Success();
        }, cancellationToken);

    static TimeSpan Duration(StepRequest request)
    {
        var text = request.Attributes.TryGetValue("duration", out var d) ? d : request.Body.Trim();
        try
        {
            var duration = PromDuration.Parse(text);
            return duration > TimeSpan.Zero ? duration : throw new StepRejectedException("a wait step needs a duration longer than 0");
        }
        catch (FormatException ex)
        {
            throw new StepRejectedException($"wait duration \"{text}\": {ex.Message} (write e.g. duration=5m)");
        }
    }
}
