using Guardia.Core.Alerts;

namespace Guardia.Core.Notify;

/// <summary>Drops the alerts a muter mutes: the inhibit stage and the silence stage are both this stage.</summary>
public sealed class MuteStage(IMuter muter) : INotificationStage
{
    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<Alert>> ExecuteAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(flush);
        ArgumentNullException.ThrowIfNull(alerts);
        List<Alert>? kept = null;
        for (var i = 0; i < alerts.Count; i++)
        {
            if (muter.Mutes(alerts[i].Labels, flush.Now))
            {
                if (kept is null)
                {
                    kept = new List<Alert>(alerts.Count);
                    for (var j = 0; j < i; j++)
                    {
                        kept.Add(alerts[j]);
                    }
                }
            }
            else
            {
                kept?.Add(alerts[i]);
            }
        }
        return ValueTask.FromResult<IReadOnlyList<Alert>>(kept ?? alerts);
    }
}
