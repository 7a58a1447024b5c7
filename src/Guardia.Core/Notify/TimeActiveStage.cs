using Guardia.Core.Alerts;
using Guardia.Core.Configuration;

namespace Guardia.Core.Notify;

/// <summary>Drops the whole flush when the route has <c>active_time_intervals</c> and none of them contains the flush time.</summary>
public sealed class TimeActiveStage(Func<string, TimeIntervalConfig?> intervals) : INotificationStage
{
    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<Alert>> ExecuteAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(flush);
        var names = flush.Options.ActiveTimeIntervals;
        if (names.Count == 0)
        {
            return ValueTask.FromResult(alerts);
        }
        foreach (var name in names)
        {
            if (intervals(name)?.ContainsTime(flush.Now) == true)
            {
                return ValueTask.FromResult(alerts);
            }
        }
        return ValueTask.FromResult<IReadOnlyList<Alert>>([]);
    }
}
