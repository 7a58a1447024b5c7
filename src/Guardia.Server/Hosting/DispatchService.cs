using Guardia.Core.Alerts;
using Guardia.Core.DeadLetters;
using Guardia.Core.Dispatch;
using Guardia.Core.Inhibition;
using Guardia.Core.NotificationLog;
using Guardia.Core.Notify;
using Guardia.Core.Silences;
using Guardia.Core.Templating;
using Guardia.Core.Templating.Alertmanager;
using Guardia.Integrations.Notifiers;
using Guardia.Server.Observability;

namespace Guardia.Server.Hosting;

/// <summary>Runs the dispatcher over the alert store: started once the store is loaded, so restored alerts re-enter
/// their groups (the notification log keeps them from being notified twice), and rebuilt on every configuration
/// reload, as Alertmanager rebuilds its dispatcher.</summary>
sealed class DispatchService(
    AlertStore store,
    ConfigHolder config,
    INotificationLog log,
    Silencer silencer,
    Inhibitor inhibitor,
    NotificationMetrics metrics,
    IDeadLetterStore deadLetters,
    IncidentService incidents,
    ServeOptions options,
    TimeProvider time,
    ILogger<DispatchService> logger) : IHostedService, IDisposable
{
    /// <summary>How often expired notification log entries are removed (Alertmanager's nflog maintenance interval).</summary>
    static readonly TimeSpan LogMaintenance = TimeSpan.FromMinutes(15);

    readonly Lock _lock = new();
    DeadLetterRecorder? _recorder;
    Dispatcher? _dispatcher;
    ReceiverIntegrations? _integrations;
    ITimer? _maintenance;
    bool _stopped;

    /// <summary>The running dispatcher, for the alert groups API.</summary>
    public Dispatcher? Current => Volatile.Read(ref _dispatcher);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _recorder = new DeadLetterRecorder(deadLetters, SecretsOf, () => ExternalUrl(options))
        {
            Kept = letter => logger.LogError(
                "Notification of group {Group} to {Receiver}/{Integration} failed for good after {Attempts} attempts; kept as dead letter {Id}: {Error}",
                letter.GroupKey, letter.Receiver, letter.Integration, letter.Attempts, letter.Id, letter.Error),
        };
        await _recorder.InitializeAsync(cancellationToken);
        store.Subscribe(alerts =>
        {
            // Runs on the request that stored the alerts, after they are durable: never fail that request.
            try
            {
                Current?.Put(alerts);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogError(ex, "Dispatching {Count} stored alerts failed; they are dispatched again on the next reload or restart", alerts.Count);
            }
        });
        config.Reloaded += Rebuild;
        Rebuild(config.Current);
        _maintenance = time.CreateTimer(_ => log.Collect(time.GetUtcNow()), null, LogMaintenance, LogMaintenance);
    }

    IReadOnlyList<string> SecretsOf(string receiver)
    {
        foreach (var r in config.Current.Config.Receivers)
        {
            if (r.Name == receiver)
            {
                return ReceiverSecrets.Of(r);
            }
        }
        return [];
    }

    void Rebuild(ConfigSnapshot snapshot)
    {
        var externalUrl = ExternalUrl(options);
        NotificationTemplates templates;
        try
        {
            templates = NotificationTemplates.Create(TemplateFiles.Read(snapshot.Config, options.ConfigFile), time);
        }
        catch (Exception ex) when (ex is TemplateException or IOException)
        {
            logger.LogError("Templates of {File} do not load, notifying with the default templates only: {Error}", options.ConfigFile, ex.Message);
            templates = NotificationTemplates.Create([], time);
        }
        var integrations = ReceiverIntegrations.Build(snapshot.Config, new NotifierContext(templates, externalUrl, time));
        foreach (var u in integrations.Unsupported)
        {
            logger.LogWarning("Receiver {Receiver} is not notified: this build does not send {Integration}", u, u);
        }
        var pipeline = new NotificationPipeline(integrations.ByReceiver, new PipelineDependencies(log, time)
        {
            Inhibitor = inhibitor,
            Silencer = silencer,
            TimeIntervals = snapshot.Config.FindTimeInterval,
            Retention = options.Retention,
            Metrics = metrics,
            Outcomes = new Outcomes(_recorder, incidents),
        })
        {
            Failed = (receiver, ex) => logger.LogError("Notify for receiver {Receiver} failed: {Error}", receiver, ex.Message),
        };
        var dispatcher = new Dispatcher(snapshot.Route, async (flush, alerts, ct) =>
        {
            // Incident policies see the group as it is flushed, before (and whether or not) it is notified.
            await incidents.ObserveAsync(flush, alerts, ct);
            return await pipeline.NotifyAsync(flush, alerts, ct);
        }, time)
        {
            FlushFailed = (group, ex) => logger.LogError(ex, "Flush of group {Group} failed", group),
        };
        Dispatcher? old;
        ReceiverIntegrations? oldIntegrations;
        lock (_lock)
        {
            if (_stopped)
            {
                dispatcher.Dispose();
                integrations.Dispose();
                return;
            }
            old = Interlocked.Exchange(ref _dispatcher, dispatcher);
            oldIntegrations = _integrations;
            _integrations = integrations;
        }
        old?.Dispose();
        // Alerts written meanwhile reach the new dispatcher twice; groups keep the newest version.
        dispatcher.Put(store.Snapshot());
        if (oldIntegrations is not null)
        {
            // Cancelled flushes of the old dispatcher may still be unwinding through its HTTP clients.
            _ = Task.Delay(TimeSpan.FromSeconds(30), time).ContinueWith(_ => oldIntegrations.Dispose(), TaskScheduler.Default);
        }
        logger.LogInformation("Dispatcher started: {Groups} aggregation groups from {Alerts} alerts", dispatcher.GroupCount, store.Count);
    }

    /// <summary>Alertmanager's default external URL: http://hostname:port of the listen address.</summary>
    public static string ExternalUrl(ServeOptions options)
    {
        if (!string.IsNullOrEmpty(options.ExternalUrl))
        {
            return options.ExternalUrl.TrimEnd('/');
        }
        var colon = options.ListenAddress.LastIndexOf(':');
        var port = colon >= 0 ? options.ListenAddress[(colon + 1)..] : "9093";
        return $"http://{Environment.MachineName}:{port}";
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        config.Reloaded -= Rebuild;
        Dispatcher? d;
        lock (_lock)
        {
            _stopped = true;
            d = Interlocked.Exchange(ref _dispatcher, null);
        }
        d?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _maintenance?.Dispose();
        _integrations?.Dispose();
    }

    /// <summary>Delivery outcomes go to the dead-letter list and to the timeline of the group's incident.</summary>
    sealed class Outcomes(DeadLetterRecorder? recorder, IncidentService incidents) : IDeliveryOutcomes
    {
        public async ValueTask DeliveredAsync(Flush flush, Integration integration, CancellationToken ct)
        {
            if (recorder is not null)
            {
                await recorder.DeliveredAsync(flush, integration, ct);
            }
            await incidents.DeliveredAsync(flush, integration);
        }

        public ValueTask FailedAsync(FailedDelivery failure, CancellationToken ct) =>
            recorder?.FailedAsync(failure, ct) ?? ValueTask.CompletedTask;
    }
}
