using System.CommandLine;
using Guardia.Server.Hosting;

namespace Guardia.Server.Cli;

/// <summary>The <c>guardia serve</c> verb: hosts the APIs and the background services.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--web.listen-address") { Description = "Address to listen on for the API and UI.", DefaultValueFactory = _ => "127.0.0.1:9093" };
        var storage = new Option<string>("--storage.path") { Description = "Directory for the durable store (SQLite).", DefaultValueFactory = _ => "./data" };
        var config = new Option<string?>("--config.file") { Description = "Alertmanager configuration file (or Guardia's settings file)." };
        var externalUrl = new Option<string?>("--web.external-url") { Description = "The URL under which Guardia is reachable from outside." };
        var retention = new Option<string>("--data.retention") { Description = "How long to keep resolved alerts.", DefaultValueFactory = _ => "120h" };
        var gcInterval = new Option<string>("--alerts.gc-interval") { Description = "Interval between collections of resolved alerts.", DefaultValueFactory = _ => "30m" };
        var maintenance = new Option<string>("--data.maintenance-interval") { Description = "Interval between collections of expired silences past retention.", DefaultValueFactory = _ => "15m" };
        var maxBody = new Option<long>("--web.max-request-body-bytes") { Description = "Largest accepted request body; larger requests get 413.", DefaultValueFactory = _ => 64L * 1024 * 1024 };
        var cmd = new Command("serve", "Start the Guardia server.") { listen, storage, config, externalUrl, retention, gcInterval, maintenance, maxBody };
        cmd.SetAction(async (parse, ct) =>
        {
            if (!Durations.TryParse(parse.GetValue(retention)!, out var keep) || !Durations.TryParse(parse.GetValue(gcInterval)!, out var gc) || gc <= TimeSpan.Zero
                || !Durations.TryParse(parse.GetValue(maintenance)!, out var maint) || maint <= TimeSpan.Zero)
            {
                await Console.Error.WriteLineAsync("guardia: --data.retention, --alerts.gc-interval and --data.maintenance-interval take durations such as 120h or 30m");
                return 2;
            }
            var options = new ServeOptions
            {
                ListenAddress = parse.GetValue(listen)!,
                StoragePath = parse.GetValue(storage)!,
                ConfigFile = parse.GetValue(config),
                ExternalUrl = parse.GetValue(externalUrl),
                Retention = keep,
                GcInterval = gc,
                MaintenanceInterval = maint,
                MaxRequestBodyBytes = parse.GetValue(maxBody),
            };
            return await GuardiaHost.RunAsync(options, ct);
        });
        return cmd;
    }
}
