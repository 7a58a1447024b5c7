using System.Security.Cryptography;
using Guardia.Core.Alerts;
using Guardia.Core.Incidents;
using Guardia.Core.Notify;
using Guardia.Server.Observability;
using Guardia.Storage.Sqlite;

namespace Guardia.Server.Hosting;

/// <summary>Runs the incident engine: restores open incidents and their escalation timers at start, takes every
/// aggregation-group flush (an incident policy may open an incident for it), follows configuration reloads, and
/// records the notifications sent for a group on its incident's timeline.</summary>
sealed class IncidentService(
    ConfigHolder config,
    ContactPager pager,
    OnCallTargets targets,
    ServeOptions options,
    TimeProvider time,
    IncidentMetrics metrics,
    ILogger<IncidentService> logger) : IHostedService, IDisposable
{
    /// <summary>The file under the storage path holding the key that signs acknowledge links.</summary>
    public const string AckKeyFile = "ack.key";

    IncidentEngine? _engine;
    SqliteIncidentStore? _store;

    /// <summary>Raised after an incident opened, by an incident policy (with the group's alerts) or by hand (no
    /// alerts); handlers run in the background and their failures are logged (runbooks start here).</summary>
    public event Func<Incident, IReadOnlyList<Alert>, Task>? Opened;

    /// <summary>The open incidents held in memory; none before the service started.</summary>
    public IReadOnlyList<Incident> OpenIncidents() => _engine?.OpenIncidents() ?? [];

    /// <summary>The engine; available once the service started.</summary>
    public IncidentEngine Engine => _engine ?? throw new InvalidOperationException("The incident engine is not started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _store = new SqliteIncidentStore(SqliteDatabase.Open(options.StoragePath));
        var key = AckKey(options.StoragePath);
        _engine = new IncidentEngine(_store, pager, targets, time, config.Current.Incidents, key);
        await _engine.LoadAsync(cancellationToken);
        config.Reloaded += Reconfigure;
        logger.LogInformation("Incidents: {Open} open, {Policies} incident policies", _engine.OpenCount, config.Current.Incidents.IncidentPolicies.Count);
    }

    void Reconfigure(ConfigSnapshot snapshot) => _engine?.Reconfigure(snapshot.Incidents);

    /// <summary>Takes one flush of an aggregation group before it is notified; never fails the flush.</summary>
    public async Task ObserveAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        if (_engine is not { } engine || engine.Config.IncidentPolicies.Count == 0)
        {
            return;
        }
        try
        {
            var before = await engine.GetByGroupAsync(flush.GroupKey, ct);
            var after = await engine.ObserveGroupAsync(new GroupObservation(flush.GroupKey, flush.Receiver, flush.GroupLabels, alerts), ct);
            if (after is not null && after.Id != before?.Id)
            {
                RaiseOpened(after, alerts);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError(ex, "Incident policies could not take the flush of group {Group}", flush.GroupKey);
        }
    }

    /// <summary>Tells the <see cref="Opened"/> handlers about <paramref name="incident"/>, in the background.</summary>
    public void RaiseOpened(Incident incident, IReadOnlyList<Alert> alerts)
    {
        metrics.Opened(incident);
        if (Opened is not { } handlers)
        {
            return;
        }
        foreach (var handler in handlers.GetInvocationList().Cast<Func<Incident, IReadOnlyList<Alert>, Task>>())
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await handler(incident, alerts);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    logger.LogError(ex, "A handler of incident {Incident} opening failed", incident.Id);
                }
            });
        }
    }

    /// <summary>Writes "notification sent" on the timeline of the group's open incident, if it has one.</summary>
    public async ValueTask DeliveredAsync(Flush flush, Integration integration)
    {
        if (_engine is not { } engine || engine.OpenCount == 0)
        {
            return;
        }
        try
        {
            if (await engine.GetByGroupAsync(flush.GroupKey, CancellationToken.None) is { IsOpen: true } incident)
            {
                var data = new Dictionary<string, string> { ["receiver"] = flush.Receiver, ["integration"] = integration.ToString() };
                await engine.RecordEventAsync(incident.Id, TimelineKind.NotificationSent,
                    TimelineText.English(TimelineKind.NotificationSent, Actors.System, data), data, Actors.System, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Could not record the notification of group {Group} on its incident", flush.GroupKey);
        }
    }

    /// <summary>The key that signs acknowledge links: created once per installation, kept beside the database so that
    /// links in pages already sent stay valid across restarts.</summary>
    static byte[] AckKey(string storagePath)
    {
        var path = Path.Combine(storagePath, AckKeyFile);
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (existing.Length >= 32)
            {
                return existing;
            }
        }
        var key = RandomNumberGenerator.GetBytes(32);
        var temp = path + ".tmp";
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temp, create))
        {
            stream.Write(key);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        return key;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        config.Reloaded -= Reconfigure;
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _engine?.Dispose();
        (_store as IDisposable)?.Dispose();
    }
}
