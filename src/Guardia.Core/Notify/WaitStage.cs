using Guardia.Core.Alerts;

namespace Guardia.Core.Notify;

/// <summary>Waits before notifying; a cluster member waits by its position so that the first member notifies first (zero on a single node).</summary>
public sealed class WaitStage(Func<TimeSpan> wait, TimeProvider time) : INotificationStage
{
    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<Alert>> ExecuteAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        var delay = wait();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, ct);
        }
        return alerts;
    }
}
