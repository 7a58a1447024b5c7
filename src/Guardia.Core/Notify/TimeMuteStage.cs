using Guardia.Core.Alerts;
using Guardia.Core.Configuration;

namespace Guardia.Core.Notify;

/// <summary>Drops the whole flush when one of the route's <c>mute_time_intervals</c> contains the flush time.</summary>
public sealed class TimeMuteStage(Func<string, TimeIntervalConfig?> intervals) : INotificationStage
{
    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<Alert>> ExecuteAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(flush);
        foreach (var name in flush.Options.MuteTimeIntervals)
        {
            if (intervals(name)?.ContainsTime(flush.Now) == true)
            {
                return ValueTask.FromResult<IReadOnlyList<Alert>>([]);
            }
        }
        return ValueTask.FromResult(alerts);
    }
}
