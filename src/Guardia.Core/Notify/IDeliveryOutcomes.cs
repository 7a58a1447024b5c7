using Guardia.Core.Alerts;

namespace Guardia.Core.Notify;

/// <summary>A notification that failed for good: a permanent error, or retries until the flush deadline.</summary>
/// <param name="Flush">The flush it belonged to.</param>
/// <param name="Integration">The integration that could not deliver it.</param>
/// <param name="Alerts">The alerts it carried.</param>
/// <param name="Error">The last error, as the notifier reported it (not yet redacted).</param>
/// <param name="Attempts">How many attempts failed.</param>
/// <param name="FirstFailure">When the first attempt failed.</param>
/// <param name="LastFailure">When the last attempt failed.</param>
public sealed record FailedDelivery(
    Flush Flush, Integration Integration, IReadOnlyList<Alert> Alerts, string Error, int Attempts,
    DateTimeOffset FirstFailure, DateTimeOffset LastFailure);

/// <summary>Learns how each integration's delivery of a flush ended, so that a notification that failed for good
/// is kept (the dead-letter list) and forgotten once a later flush of the same group gets through.</summary>
public interface IDeliveryOutcomes
{
    /// <summary>Outcomes nobody keeps.</summary>
    static IDeliveryOutcomes None { get; } = new Ignored();

    /// <summary>The integration delivered the flush.</summary>
    ValueTask DeliveredAsync(Flush flush, Integration integration, CancellationToken ct);

    /// <summary>The integration gave up on the flush.</summary>
    ValueTask FailedAsync(FailedDelivery failure, CancellationToken ct);

    sealed class Ignored : IDeliveryOutcomes
    {
        public ValueTask DeliveredAsync(Flush flush, Integration integration, CancellationToken ct) => ValueTask.CompletedTask;

        public ValueTask FailedAsync(FailedDelivery failure, CancellationToken ct) => ValueTask.CompletedTask;
    }
}
