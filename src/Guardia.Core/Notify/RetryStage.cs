using System.Diagnostics;
using Guardia.Core.Alerts;

namespace Guardia.Core.Notify;

/// <summary>Delivers through one integration, retrying with exponential backoff and jitter until it succeeds,
/// fails for good, or the flush's deadline (the next group flush) cancels it. How it ended goes to
/// <see cref="IDeliveryOutcomes"/>: a notification that failed for good becomes a dead letter.</summary>
public sealed class RetryStage(
    Integration integration, string receiver, TimeProvider time, INotificationMetrics metrics, Func<double>? random = null,
    IDeliveryOutcomes? outcomes = null) : INotificationStage
{
    /// <summary>The first delay between attempts (Alertmanager's backoff: 500 ms, ×1.5, ±50 %, at most 60 s).</summary>
    public static readonly TimeSpan InitialInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between attempts.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(60);

    const double Multiplier = 1.5;
    const double Randomization = 0.5;

    readonly Func<double> _random = random ?? Random.Shared.NextDouble;
    readonly IDeliveryOutcomes _outcomes = outcomes ?? IDeliveryOutcomes.None;

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<Alert>> ExecuteAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(flush);
        ArgumentNullException.ThrowIfNull(alerts);
        IReadOnlyList<Alert> sent = alerts;
        if (!integration.SendResolved)
        {
            // Only resolved alerts and send_resolved off: nothing to send, but the log must still record
            // them for the next dedup, so report them as notified.
            var firing = new List<Alert>(alerts.Count);
            foreach (var a in alerts)
            {
                if (!a.ResolvedAt(flush.Now))
                {
                    firing.Add(a);
                }
            }
            if (firing.Count == 0)
            {
                return alerts;
            }
            sent = firing;
        }
        var interval = InitialInterval;
        string? lastError = null;
        var firstFailure = default(DateTimeOffset);
        for (var attempt = 1; ; attempt++)
        {
            if (ct.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                if (lastError is not null && now >= flush.Deadline)
                {
                    // The deadline, not a shutdown or reload: this notification failed for good.
                    await _outcomes.FailedAsync(new FailedDelivery(flush, integration, sent, lastError, attempt - 1, firstFailure, now), CancellationToken.None);
                }
                throw new NotificationFailedException($"{receiver}/{integration}: notify retry canceled after {attempt - 1} attempts: {lastError ?? "context canceled"}");
            }
            var started = time.GetTimestamp();
            NotifyResult result;
            try
            {
                result = await integration.NotifyAsync(flush, sent, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                result = NotifyResult.Retryable("context deadline exceeded");
            }
            metrics.Attempted(integration.Name, time.GetElapsedTime(started), !result.Success);
            if (result.Success)
            {
                await _outcomes.DeliveredAsync(flush, integration, CancellationToken.None);
                return alerts;
            }
            if (attempt == 1)
            {
                firstFailure = time.GetUtcNow();
            }
            if (!result.Retry)
            {
                await _outcomes.FailedAsync(new FailedDelivery(flush, integration, sent, result.Error ?? "failed", attempt, firstFailure, time.GetUtcNow()), CancellationToken.None);
                throw new NotificationFailedException($"{receiver}/{integration}: notify retry canceled due to unrecoverable error after {attempt} attempts: {result.Error}");
            }
            lastError = result.Error ?? "failed";
            var delay = NextDelay(interval, _random());
            interval = TimeSpan.FromTicks(Math.Min((long)(interval.Ticks * Multiplier), MaxInterval.Ticks));
            try
            {
                await Task.Delay(delay, time, ct);
            }
            catch (OperationCanceledException)
            {
                Debug.Assert(ct.IsCancellationRequested, "only the flush deadline cancels the wait");
            }
        }
    }

    /// <summary>The jittered delay for <paramref name="interval"/>: uniformly within ±50 % of it, <paramref name="random"/> in [0, 1).</summary>
    public static TimeSpan NextDelay(TimeSpan interval, double random)
    {
        var delta = Randomization * interval.Ticks;
        var min = interval.Ticks - delta;
        return TimeSpan.FromTicks((long)(min + (random * ((2 * delta) + 1))));
    }
}
