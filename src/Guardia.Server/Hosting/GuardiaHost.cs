using System.Net;
using System.Runtime.InteropServices;
using Guardia.Core.Alerts;
using Guardia.Core.DeadLetters;
using Guardia.Core.Inhibition;
using Guardia.Core.NotificationLog;
using Guardia.Core.Silences;
using Guardia.Server.Api;
using Guardia.Server.Api.AlertmanagerV2;
using Guardia.Server.Api.V1;
using Guardia.Server.Api.V1.Access;
using Guardia.Server.Observability;
using Guardia.Storage.Sqlite;
using Prometheus;

namespace Guardia.Server.Hosting;

/// <summary>The composition root of <c>guardia serve</c>.</summary>
static class GuardiaHost
{
    public static async Task<int> RunAsync(ServeOptions options, CancellationToken ct)
    {
        // The empty builder skips appsettings files and their file watchers (a fifth of start-up time):
        // Guardia's settings come from its flags and its own configuration file.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);
        if (!TryParseListenAddress(options.ListenAddress, out var endpoint))
        {
            await Console.Error.WriteLineAsync($"guardia: --web.listen-address \"{options.ListenAddress}\" is not host:port (e.g. 127.0.0.1:9093 or :9093)");
            return 2;
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(endpoint);
            k.Limits.MaxRequestBodySize = null; // enforced by the endpoints, which answer 413 with a reason
            k.AddServerHeader = false;
        });

        var time = TimeProvider.System;
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ServerClock>();
        builder.Services.AddSingleton<ConfigHolder>();
        builder.Services.AddSingleton<GuardiaMetrics>();
        builder.Services.AddHostedService<ResolvedAlertCollector>();

        SqliteAlertJournal journal;
        SqliteSilenceStore silenceStore;
        try
        {
            journal = new SqliteAlertJournal(SqliteDatabase.Open(options.StoragePath));
            silenceStore = new SqliteSilenceStore(SqliteDatabase.Open(options.StoragePath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            await Console.Error.WriteLineAsync($"guardia: cannot open the store under --storage.path \"{options.StoragePath}\": {ex.Message}");
            return 1;
        }
        using var __ = silenceStore;
        var store = new AlertStore(journal);
        builder.Services.AddSingleton(store);
        using var silences = new Silences(silenceStore, time, options.Retention);
        var silencer = new Silencer(silences);
        var inhibitor = new Inhibitor();
        builder.Services.AddSingleton(silences);
        builder.Services.AddSingleton(silencer);
        builder.Services.AddSingleton(inhibitor);
        builder.Services.AddHostedService<SilenceMaintenance>();
        builder.Services.AddSingleton<IDeadLetterStore>(_ => new SqliteDeadLetterStore(SqliteDatabase.Open(options.StoragePath)));
        builder.Services.AddSingleton<Guardia.Integrations.Notifiers.NotifierHttpClients>();
        SqliteNotificationLog notificationLog;
        try
        {
            notificationLog = new SqliteNotificationLog(SqliteDatabase.Open(options.StoragePath), time.GetUtcNow());
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            await Console.Error.WriteLineAsync($"guardia: cannot open the notification log under --storage.path \"{options.StoragePath}\": {ex.Message}");
            await journal.DisposeAsync();
            return 1;
        }
        builder.Services.AddSingleton<INotificationLog>(notificationLog);
        builder.Services.AddSingleton<NotificationMetrics>();
        builder.Services.AddSingleton(sp => new Guardia.Integrations.Paging.ContactSender(
            sp.GetRequiredService<Guardia.Integrations.Notifiers.NotifierHttpClients>(), () => sp.GetRequiredService<ConfigHolder>().Current.Config.Global, time));
        builder.Services.AddSingleton<IncidentMetrics>();
        builder.Services.AddSingleton<ContactPager>();
        builder.Services.AddSingleton<OnCallTargets>();
        builder.Services.AddSingleton<IncidentService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IncidentService>());
        builder.Services.AddHostedService<HandoffService>();
        builder.Services.AddSingleton<Runbooks.RunbookService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Runbooks.RunbookService>());
        builder.Services.AddSingleton<DispatchService>();
        // Registered after the store is loaded below: hosted services start in RunAsync, after LoadAsync.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DispatchService>());
        // API tokens, the audit log, ingestion tokens and the OpenAPI document (Api/V1/Access).
        builder.Services.AddGuardiaAccess(options.StoragePath);

        await using var app = builder.Build();
        await using var _ = journal;
        await using var notificationLogLifetime = notificationLog;
        var metrics = app.Services.GetRequiredService<GuardiaMetrics>();
        journal.Committed = (rows, elapsed) =>
        {
            metrics.StoreCommitSeconds.Observe(elapsed.TotalSeconds);
            metrics.StoreCommitRows.Observe(rows);
        };
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            var now = time.GetUtcNow();
            var active = 0;
            var suppressed = 0;
            foreach (var a in store.Snapshot())
            {
                if (a.ResolvedAt(now))
                {
                    continue;
                }
                if (silencer.Mutes(a.Labels, now) || inhibitor.Mutes(a.Labels, now))
                {
                    suppressed++;
                }
                else
                {
                    active++;
                }
            }
            metrics.Alerts.WithLabels("active").Set(active);
            metrics.Alerts.WithLabels("suppressed").Set(suppressed);
            var states = new int[3];
            foreach (var s in silences.All())
            {
                states[(int)s.StateAt(now)]++;
            }
            metrics.Silences.WithLabels("active").Set(states[(int)SilenceState.Active]);
            metrics.Silences.WithLabels("pending").Set(states[(int)SilenceState.Pending]);
            metrics.Silences.WithLabels("expired").Set(states[(int)SilenceState.Expired]);
        });
        var incidentMetrics = app.Services.GetRequiredService<IncidentMetrics>();
        var incidentService = app.Services.GetRequiredService<IncidentService>();
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(() => incidentMetrics.Refresh(incidentService.OpenIncidents()));

        var config = app.Services.GetRequiredService<ConfigHolder>();
        var ingestion = app.Services.GetRequiredService<IngestionTokenSettings>();
        config.Reloaded += snapshot => ingestion.Update(snapshot.Access);
        if (config.Reload() is { } error)
        {
            await Console.Error.WriteLineAsync($"guardia: configuration {options.ConfigFile}: {error}");
            return 1;
        }
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Guardia");
        var loadStarted = time.GetTimestamp();
        await store.LoadAsync(ct);
        // The journal does not record collections; alerts resolved past retention are dropped here instead.
        var loadedAt = time.GetUtcNow();
        var expired = store.CollectResolved(loadedAt, loadedAt - options.Retention);
        logger.LogInformation("Restored {Count} alerts ({Expired} past retention dropped) from {Path} in {Ms:F0} ms",
            store.Count, expired, options.StoragePath, time.GetElapsedTime(loadStarted).TotalMilliseconds);
        await silences.LoadAsync(ct);
        logger.LogInformation("Restored {Count} silences", silences.Count);

        // Inhibition follows the committed alerts and is rebuilt from them whenever the rules are reloaded.
        store.Subscribe(inhibitor.Observe);
        inhibitor.Configure(config.Current.Config.InhibitRules, store.Snapshot);
        config.Reloaded += next => inhibitor.Configure(next.Config.InhibitRules, store.Snapshot);

        app.UseHttpMetrics();
        app.UseGuardiaAccess();
        app.MapAccessEndpoints();
        app.MapAuditEndpoints();
        app.MapOpenApi(V1OpenApi.Route);
        app.MapAlertEndpoints();
        app.MapSilenceEndpoints();
        app.MapStatusEndpoints();
        app.MapLifecycleEndpoints();
        app.MapDeadLetterEndpoints();
        app.MapIncidentEndpoints();
        app.MapSettingsEndpoints();
        app.MapAckEndpoints();
        app.MapRunbookEndpoints();
        app.MapMetrics("/metrics");

        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
        {
            ctx.Cancel = true;
            config.Reload();
        });
        logger.LogInformation("Listening on {Address}", options.ListenAddress);
        await app.RunAsync(ct);
        return 0;
    }

    /// <summary>Parses Alertmanager's listen address forms: <c>host:port</c>, <c>:port</c>, <c>[::1]:port</c>.</summary>
    internal static bool TryParseListenAddress(string text, out IPEndPoint endpoint)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        var colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), out var port) || port is < 0 or > 65535)
        {
            return false;
        }
        var host = text[..colon].Trim('[', ']');
        IPAddress address;
        if (host.Length == 0 || host == "0.0.0.0")
        {
            address = IPAddress.Any;
        }
        else if (host == "localhost")
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host, out address!))
        {
            return false;
        }
        endpoint = new IPEndPoint(address, port);
        return true;
    }
}
