using System.Runtime.CompilerServices;
using Guardia.Bench.Scenarios;

namespace Guardia.Bench;

/// <summary>Everything measured on one server (Alertmanager or Guardia) in one harness run.</summary>
sealed record TargetResult(
    string Name,
    string Command,
    string? Version,
    double? ColdStartSeconds,
    IngestResult? Ingest,
    RestartResult? Restart,
    EndToEndResult? EndToEnd,
    StormResult? Storm,
    string? Error)
{
    /// <summary>The incidents scenario (Guardia only).</summary>
    public IncidentsResult? Incidents { get; init; }
}

/// <summary>
/// Runs the selected scenarios against one server. Each part gets a server of its own, with fresh temp
/// storage and its own configuration: ingest (then optionally a graceful restart on the same storage)
/// with timers that keep notification work out of the figures; e2e and storm each with short timers and
/// a webhook receiver pointing at the harness's sink. The first failure ends this server's run.
/// </summary>
static class TargetRun
{
    /// <summary>Alerts stay active far longer than any run, so nothing resolves while it is measured.</summary>
    static readonly TimeSpan ActiveFor = TimeSpan.FromHours(24);

    public static async Task<TargetResult> RunAsync(ServerCommand command, BenchOptions options, Action<string> log, CancellationToken ct)
    {
        var result = new TargetResult(command.Name, command.Display, null, null, null, null, null, null, null);
        try
        {
            if ((options.Scenario & Scenario.All) != 0)
            {
                result = await WithServerAsync(command, options, IngestConfig(FreePort.Next()), result, log,
                    (box, r) => IngestAndRestartAsync(box, options, r, log, ct), ct);
            }
            if (options.Scenario.HasFlag(Scenario.E2e))
            {
                var firsts = new GroupFirsts(options.Groups);
                await using var sink = await WebhookSink.StartAsync(Notify.GroupLabel, firsts.Observe, ct);
                result = await WithServerAsync(command, options, Notify.Config(sink.Url), result, log, async (box, r) =>
                {
                    var e2e = await EndToEndScenario.RunAsync(box.Value!, sink, firsts, options, log, ct);
                    log($"{command.Name}: e2e: {e2e.GroupsNotified:N0} of {e2e.Groups:N0} groups notified, POST to first webhook p50 {e2e.P50Milliseconds:0.0} ms, p99 {e2e.P99Milliseconds:0.0} ms");
                    return r with { EndToEnd = e2e };
                }, ct);
            }
            if (options.Scenario.HasFlag(Scenario.Storm))
            {
                var firsts = new AlertFirsts(options.StormAlerts);
                await using var sink = await WebhookSink.StartAsync(StormScenario.IdLabel, firsts.Observe, ct);
                result = await WithServerAsync(command, options, Notify.Config(sink.Url), result, log, async (box, r) =>
                {
                    var storm = await StormScenario.RunAsync(box.Value!, sink, firsts, options, log, ct);
                    log($"{command.Name}: storm: {storm.AlertsNotified:N0} of {storm.Alerts:N0} alerts notified, p50 {storm.P50Seconds:0.00} s, p99 {storm.P99Seconds:0.00} s, {storm.CpuSeconds:0.0} server CPU-s");
                    return r with { Storm = storm };
                }, ct);
            }
            return result;
        }
        catch (PartFailed e)
        {
            Loud(e.Message);
            return e.Partial with { Error = e.Message };
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

    static async Task<TargetResult> IngestAndRestartAsync(StrongBox<ServerProcess> box, BenchOptions options, TargetResult result, Action<string> log, CancellationToken ct)
    {
        var server = box.Value!;
        var name = server.Command.Name;
        var load = Workload.Load(options.Alerts, options.Batch, TimeProvider.System.GetUtcNow(), ActiveFor);
        log($"{name}: ingesting {load.AlertCount:N0} alerts in {load.Bodies.Count:N0} requests ({load.TotalBytes / 1048576.0:0.0} MiB) over {options.Connections} connections");
        var ingest = await IngestScenario.RunAsync(server, load, options.Batch, options.Connections, ct);
        result = result with { Ingest = ingest };
        log($"{name}: {ingest.AlertsPerSecond:N0} alerts/s, {ingest.Listed.Load:N0} active alerts listed");
        if (ingest.FailedRequests > 0)
        {
            Loud($"{name}: {ingest.FailedRequests} of {ingest.Requests} POST requests failed; first: {ingest.FirstFailure}");
        }
        if (ingest.LostAlerts != 0)
        {
            Loud($"{name} LOST ALERTS: ingested {ingest.Alerts:N0}, GET /api/v2/alerts returned {ingest.Listed.Load:N0} of them ({ingest.Listed.Total:N0} in all)");
        }
        if (!options.Scenario.HasFlag(Scenario.Restart))
        {
            return result;
        }
        log($"{name}: SIGTERM, then start again on the same storage");
        try
        {
            var configFile = Path.Combine(Path.GetDirectoryName(server.StorageDir)!, "alertmanager.yml");
            var (restart, restarted) = await RestartScenario.RunAsync(server, configFile, ingest.Listed.Load, options.ReadyTimeout, ct);
            box.Value = restarted;
            log($"{name}: stopped in {restart.StopSeconds:0.000} s, ready again after {restart.StartToReadySeconds:0.000} s with {restart.ListedAfter.Load:N0} of {restart.AlertsBefore:N0} alerts");
            return result with { Restart = restart };
        }
        catch (Exception e) when (e is BenchException or HttpRequestException or IOException)
        {
            throw new PartFailed(result, e is BenchException ? e.Message : $"{name} restart: {e.Message}");
        }
    }

    /// <summary>
    /// Starts a fresh server with <paramref name="config"/> and temp storage, runs <paramref name="part"/>
    /// (which may replace the server in the box, as a restart does), stops it and deletes the storage.
    /// A failure is rethrown as <see cref="PartFailed"/> carrying what was measured before it.
    /// </summary>
    static async Task<TargetResult> WithServerAsync(
        ServerCommand command, BenchOptions options, string config, TargetResult result, Action<string> log,
        Func<StrongBox<ServerProcess>, TargetResult, Task<TargetResult>> part, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("guardia-bench-");
        var storage = Directory.CreateDirectory(Path.Combine(work.FullName, "data"));
        var configFile = Path.Combine(work.FullName, "alertmanager.yml");
        await File.WriteAllTextAsync(configFile, config, ct);
        var box = new StrongBox<ServerProcess>();
        try
        {
            log($"{command.Name}: starting {command.Display} (storage {storage.FullName})");
            var server = await ServerProcess.StartAsync(command, FreePort.Next(), storage.FullName, configFile, options.ReadyTimeout, ct);
            box.Value = server;
            if (result.ColdStartSeconds is null)
            {
                string? version;
                using (var api = new AlertsApi(server.BaseAddress, 1))
                {
                    version = await api.VersionAsync(ct);
                }
                result = result with { Version = version, ColdStartSeconds = server.StartToReady.TotalSeconds };
                log($"{command.Name}: version {version ?? "unknown"}, pid {server.Pid}, ready on {server.BaseAddress} after {server.StartToReady.TotalSeconds:0.000} s");
            }
            result = await part(box, result);
            await box.Value!.StopAsync(options.ReadyTimeout, ct);
            return result;
        }
        catch (Exception e) when (e is BenchException or HttpRequestException or IOException)
        {
            // A server that crashes mid-run shows up as a refused connection or a vanished /proc entry:
            // say which server, how it ended and what it last printed, then let the other server run.
            var message = e is BenchException || box.Value is null
                ? e.Message
                : $"{command.Name} (pid {box.Value.Pid}, {box.Value.State()}): {e.Message}\n{box.Value.Tail()}";
            throw new PartFailed(result, message);
        }
        finally
        {
            if (box.Value is not null)
            {
                await box.Value.DisposeAsync();
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

    /// <summary>
    /// The ingest configuration: one webhook receiver on an unused loopback port, and timers long enough
    /// that no notification work happens during ingest.
    /// </summary>
    static string IngestConfig(int unusedPort) => $"""
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

    /// <summary>A part of the run failed; carries the figures measured before the failure.</summary>
    sealed class PartFailed(TargetResult partial, string message) : Exception(message)
    {
        public TargetResult Partial { get; } = partial;
    }
}
