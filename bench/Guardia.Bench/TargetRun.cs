using Guardia.Bench.Scenarios;

namespace Guardia.Bench;

/// <summary>Everything measured on one server (Alertmanager or Guardia) in one harness run.</summary>
sealed record TargetResult(string Name, string Command, string? Version, double? ColdStartSeconds, IngestResult? Ingest, RestartResult? Restart, string? Error);

/// <summary>
/// Runs the selected scenarios against one server: fresh temp storage and config, cold start, ingest
/// (always, since a restart needs stored alerts), then optionally a graceful restart on the same storage.
/// </summary>
static class TargetRun
{
    /// <summary>Alerts stay active far longer than any run, so nothing resolves while it is measured.</summary>
    static readonly TimeSpan ActiveFor = TimeSpan.FromHours(24);

    public static async Task<TargetResult> RunAsync(ServerCommand command, BenchOptions options, Scenario scenario, Action<string> log, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("guardia-bench-");
        var storage = Directory.CreateDirectory(Path.Combine(work.FullName, "data"));
        var configFile = Path.Combine(work.FullName, "alertmanager.yml");
        await File.WriteAllTextAsync(configFile, Config(FreePort.Next()), ct);
        string? version = null;
        double? coldStart = null;
        IngestResult? ingest = null;
        RestartResult? restart = null;
        ServerProcess? server = null;
        try
        {
            log($"{command.Name}: starting {command.Display} (storage {storage.FullName})");
            server = await ServerProcess.StartAsync(command, FreePort.Next(), storage.FullName, configFile, options.ReadyTimeout, ct);
            coldStart = server.StartToReady.TotalSeconds;
            using (var api = new AlertsApi(server.BaseAddress, 1))
            {
                version = await api.VersionAsync(ct);
            }
            log($"{command.Name}: version {version ?? "unknown"}, pid {server.Pid}, ready on {server.BaseAddress} after {coldStart:0.000} s");

            var load = Workload.Load(options.Alerts, options.Batch, TimeProvider.System.GetUtcNow(), ActiveFor);
            log($"{command.Name}: ingesting {load.AlertCount:N0} alerts in {load.Bodies.Count:N0} requests ({load.TotalBytes / 1048576.0:0.0} MiB) over {options.Connections} connections");
            ingest = await IngestScenario.RunAsync(server, load, options.Batch, options.Connections, ct);
            log($"{command.Name}: {ingest.AlertsPerSecond:N0} alerts/s, {ingest.Listed.Load:N0} active alerts listed");
            if (ingest.FailedRequests > 0)
            {
                Loud($"{command.Name}: {ingest.FailedRequests} of {ingest.Requests} POST requests failed; first: {ingest.FirstFailure}");
            }
            if (ingest.LostAlerts != 0)
            {
                Loud($"{command.Name} LOST ALERTS: ingested {ingest.Alerts:N0}, GET /api/v2/alerts returned {ingest.Listed.Load:N0} of them ({ingest.Listed.Total:N0} in all)");
            }

            if (scenario.HasFlag(Scenario.Restart))
            {
                log($"{command.Name}: SIGTERM, then start again on the same storage");
                var (result, restarted) = await RestartScenario.RunAsync(server, configFile, ingest.Listed.Load, options.ReadyTimeout, ct);
                server = restarted;
                restart = result;
                log($"{command.Name}: stopped in {result.StopSeconds:0.000} s, ready again after {result.StartToReadySeconds:0.000} s with {result.ListedAfter.Load:N0} of {result.AlertsBefore:N0} alerts");
            }

            await server.StopAsync(options.ReadyTimeout, ct);
            return new TargetResult(command.Name, command.Display, version, coldStart, ingest, restart, null);
        }
        catch (Exception e) when (e is BenchException or HttpRequestException or IOException)
        {
            // A server that crashes mid-run shows up as a refused connection or a vanished /proc entry:
            // say which server, how it ended and what it last printed, then let the other server run.
            var message = e is BenchException || server is null
                ? e.Message
                : $"{command.Name} (pid {server.Pid}, {server.State()}): {e.Message}\n{server.Tail()}";
            Loud(message);
            return new TargetResult(command.Name, command.Display, version, coldStart, ingest, restart, message);
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A temp directory left behind is not worth failing the run for.
            }
        }
    }

    /// <summary>Prints a problem so that nobody can miss it in a scrolling log.</summary>
    public static void Loud(string message)
    {
        var old = Console.ForegroundColor;
        Console.ForegroundColor = ConsoleColor.Red;
        Console.Error.WriteLine($"!!! {message}");
        Console.ForegroundColor = old;
    }

    /// <summary>
    /// The same minimal Alertmanager configuration for both servers: one webhook receiver on an unused
    /// loopback port, and timers long enough that no notification work happens during a run.
    /// </summary>
    static string Config(int unusedPort) => $"""
        route:
          receiver: bench-null
          group_by: ['alertname']
          group_wait: 1h
          group_interval: 1h
          repeat_interval: 24h
        receivers:
          - name: bench-null
            webhook_configs:
              - url: http://127.0.0.1:{unusedPort}/bench-null
                send_resolved: false
        """;
}
