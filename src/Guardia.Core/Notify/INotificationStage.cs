using Guardia.Core.Alerts;

namespace Guardia.Core.Notify;

/// <summary>One step of the notification pipeline: receives the alerts of a flush and passes on the ones to notify.</summary>
public interface INotificationStage
{
    /// <summary>Returns the alerts the next stage receives; an empty list ends the pipeline successfully.</summary>
    /// <exception cref="NotificationFailedException">When the notification failed for good.</exception>
    ValueTask<IReadOnlyList<Alert>> ExecuteAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct);
}
