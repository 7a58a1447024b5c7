using System.Diagnostics;

namespace Guardia.Bench.Scenarios;

/// <summary>Figures of one ingest run against one server.</summary>
sealed record IngestResult(
    int Alerts,
    int Requests,
    int FailedRequests,
    string? FirstFailure,
    double WallSeconds,
    double P50Milliseconds,
    double P99Milliseconds,
    long RssIdleBytes,
    long RssAfterBytes,
    double CpuSeconds,
    double HarnessCpuSeconds,
    AlertCount Listed)
{
    public double AlertsPerSecond => Alerts / WallSeconds;

    /// <summary>RSS growth per alert the server reports active; null when it reports none.</summary>
    public double? RssBytesPerAlert => Listed.Load > 0 ? (RssAfterBytes - RssIdleBytes) / (double)Listed.Load : null;

    public double CpuSecondsPer100K => CpuSeconds * 100_000 / Alerts;

    public int LostAlerts => Alerts - Listed.Load;
}

/// <summary>
/// POSTs N alerts with distinct label sets in batches over a fixed number of concurrent connections,
/// after an untimed warm-up, and measures throughput, latency, memory and CPU of the server.
/// </summary>
static class IngestScenario
{
    /// <summary>Warm-up requests per connection: enough to open every connection and let a JIT-compiled
    /// server reach steady state (.NET's tiered compilation re-compiles hot methods after ~30 calls, in the
    /// background); a Go binary gains nothing from it but gets the same requests, so the figures compare
    /// long-running servers.</summary>
    const int WarmupRequestsPerConnection = 40;

    public static async Task<IngestResult> RunAsync(ServerProcess server, Workload load, int batchSize, int connections, CancellationToken ct)
    {
        using var api = new AlertsApi(server.BaseAddress, connections);

        var warmup = Workload.Warmup(WarmupRequestsPerConnection * connections * batchSize, batchSize, TimeProvider.System.GetUtcNow());
        var warm = await PostAllAsync(api, warmup, connections, latencies: null, ct);
        server.EnsureRunning("warm-up");
        if (warm.Failed > 0)
        {
            throw new BenchException($"{server.Command.Name} rejected warm-up requests ({warm.Failed} of {warmup.Bodies.Count}): {warm.First}\n{server.Tail()}");
        }
        // Let the warm-up's garbage settle and background re-compilation finish, so that "idle" means idle.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var idle = ProcStats.Sample(server.Pid);
        var harnessIdle = ProcStats.Sample(Environment.ProcessId);

        var latencies = new long[load.Bodies.Count];
        var begin = Stopwatch.GetTimestamp();
        var run = await PostAllAsync(api, load, connections, latencies, ct);
        var wall = Stopwatch.GetElapsedTime(begin);
        server.EnsureRunning($"ingest ({run.Failed} of {load.Bodies.Count} requests failed; first: {run.First})");
        var after = ProcStats.Sample(server.Pid);
        var harnessAfter = ProcStats.Sample(Environment.ProcessId);

        var listed = await api.CountAlertsAsync(ct);
        Array.Sort(latencies);
        return new IngestResult(
            load.AlertCount,
            load.Bodies.Count,
            run.Failed,
            run.First,
            wall.TotalSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            idle.RssBytes,
            after.RssBytes,
            after.CpuSecondsSince(idle),
            harnessAfter.CpuSecondsSince(harnessIdle),
            listed);
    }

    /// <summary>
    /// Sends every body exactly once: each of <paramref name="connections"/> workers takes the next
    /// unsent index, so at most that many requests are in flight and the loop is bounded by the workload.
    /// </summary>
    public static async Task<(int Failed, string? First)> PostAllAsync(
        AlertsApi api, Workload workload, int connections, long[]? latencies, CancellationToken ct)
    {
        var next = -1;
        var failed = 0;
        string? first = null;
        var workers = new Task[connections];
        for (var w = 0; w < connections; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < workload.Bodies.Count)
                {
                    var begin = Stopwatch.GetTimestamp();
                    var failure = await api.PostAlertsAsync(workload.Bodies[i], ct);
                    if (latencies is not null)
                    {
                        latencies[i] = Stopwatch.GetTimestamp() - begin;
                    }
                    if (failure is not null)
                    {
                        Interlocked.Increment(ref failed);
                        Interlocked.CompareExchange(ref first, failure, null);
                    }
                }
            }, ct);
        }
        await Task.WhenAll(workers);
        return (failed, first);
    }

    /// <summary>Nearest-rank percentile of sorted Stopwatch tick counts, in milliseconds.</summary>
    public static double Percentile(long[] sortedTicks, double p)
    {
        if (sortedTicks.Length == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(p * sortedTicks.Length) - 1;
        return sortedTicks[Math.Clamp(rank, 0, sortedTicks.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}
