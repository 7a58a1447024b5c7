using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.NotificationLog;

namespace Guardia.Core.Notify;

/// <summary>The notification pipeline: per receiver inhibit → time-active → time-mute → silence, then for each
/// integration in parallel wait → dedup → retry → set-notifies, so that a slow or dead integration never holds up another.</summary>
public sealed class NotificationPipeline
{
    readonly Dictionary<string, (INotificationStage[] Shared, INotificationStage[][] Integrations)> _receivers = new(StringComparer.Ordinal);

    /// <summary>Builds the stages for every receiver.</summary>
    public NotificationPipeline(
        IReadOnlyDictionary<string, IReadOnlyList<Integration>> receivers,
        PipelineDependencies dependencies)
    {
        ArgumentNullException.ThrowIfNull(receivers);
        ArgumentNullException.ThrowIfNull(dependencies);
        var d = dependencies;
        INotificationStage[] shared =
        [
            new MuteStage(d.Inhibitor),
            new TimeActiveStage(d.TimeIntervals),
            new TimeMuteStage(d.TimeIntervals),
            new MuteStage(d.Silencer),
        ];
        foreach (var (name, integrations) in receivers)
        {
            var chains = new INotificationStage[integrations.Count][];
            for (var i = 0; i < chains.Length; i++)
            {
                var integration = integrations[i];
                var recv = new NotificationReceiver(name, integration.Name, integration.Index);
                chains[i] =
                [
                    new WaitStage(d.Wait, d.Time),
                    new DedupStage(d.Log, recv, integration.SendResolved, d.Time),
                    new RetryStage(integration, name, d.Time, d.Metrics, outcomes: d.Outcomes),
                    new SetNotifiesStage(d.Log, recv, d.Retention, d.Time),
                ];
            }
            _receivers[name] = (shared, chains);
        }
    }

    /// <summary>Called with the receiver and the error when an integration gave up within a flush.</summary>
    public Action<string, Exception>? Failed { get; init; }

    /// <summary>Runs the pipeline for one flush; returns true when every integration succeeded or had nothing to send.</summary>
    public async Task<bool> NotifyAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(flush);
        if (!_receivers.TryGetValue(flush.Receiver, out var stages))
        {
            return true;
        }
        alerts = await RunAsync(stages.Shared, flush, alerts, ct);
        if (alerts.Count == 0 || stages.Integrations.Length == 0)
        {
            return true;
        }
        if (stages.Integrations.Length == 1)
        {
            return await RunIntegrationAsync(stages.Integrations[0], flush, alerts, ct);
        }
        var runs = new Task<bool>[stages.Integrations.Length];
        for (var i = 0; i < runs.Length; i++)
        {
            runs[i] = RunIntegrationAsync(stages.Integrations[i], flush, alerts, ct);
        }
        var ok = true;
        foreach (var r in runs)
        {
            ok &= await r;
        }
        return ok;
    }

    async Task<bool> RunIntegrationAsync(INotificationStage[] chain, Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        try
        {
            await RunAsync(chain, flush, alerts, ct);
            return true;
        }
        catch (NotificationFailedException ex)
        {
            Failed?.Invoke(flush.Receiver, ex);
            return false;
        }
        catch (OperationCanceledException ex) when (ct.IsCancellationRequested)
        {
            Failed?.Invoke(flush.Receiver, ex);
            return false;
        }
    }

    static async ValueTask<IReadOnlyList<Alert>> RunAsync(INotificationStage[] stages, Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        foreach (var stage in stages)
        {
            if (alerts.Count == 0)
            {
                return alerts;
            }
            alerts = await stage.ExecuteAsync(flush, alerts, ct);
        }
        return alerts;
    }
}

/// <summary>What the pipeline's stages depend on besides the integrations.</summary>
public sealed record PipelineDependencies(INotificationLog Log, TimeProvider Time)
{
    /// <summary>The inhibitor (mutes alerts inhibited by others).</summary>
    public IMuter Inhibitor { get; init; } = NothingMuted.Instance;

    /// <summary>The silencer (mutes silenced alerts).</summary>
    public IMuter Silencer { get; init; } = NothingMuted.Instance;

    /// <summary>Looks up a named time interval of the configuration.</summary>
    public Func<string, TimeIntervalConfig?> TimeIntervals { get; init; } = _ => null;

    /// <summary>How long to wait before notifying (a cluster member's position times the peer timeout; zero alone).</summary>
    public Func<TimeSpan> Wait { get; init; } = () => TimeSpan.Zero;

    /// <summary>How long notification log entries are kept.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(120);

    /// <summary>Receives delivery attempt observations.</summary>
    public INotificationMetrics Metrics { get; init; } = INotificationMetrics.None;

    /// <summary>Learns how each delivery ended (the dead-letter list).</summary>
    public IDeliveryOutcomes Outcomes { get; init; } = IDeliveryOutcomes.None;
}
