using System.Diagnostics;
using System.Globalization;

namespace Guardia.Bench.Scenarios;

/// <summary>Figures of one storm run: how soon each alert of a paced burst first appears in a webhook.</summary>
sealed record StormResult(
    int Alerts,
    int Groups,
    int Requests,
    double TargetSeconds,
    double SendSeconds,
    int FailedRequests,
    string? FirstFailure,
    int AlertsNotified,
    double? P50Seconds,
    double? P99Seconds,
    double? MaxSeconds,
    double CpuSeconds,
    double CpuWindowSeconds,
    double HarnessCpuSeconds,
    long RssAfterBytes,
    int Webhooks,
    SinkStats Sink)
{
    public int LostAlerts => Alerts - AlertsNotified;
}

/// <summary>
/// Sends N alerts at a fixed request rate over a fixed number of connections, spread round-robin over G
/// groups, and measures for each alert (matched by its unique <c>id</c> label) the time from just before
/// its POST to the first webhook that carries it, plus the server's CPU until every alert was notified.
/// </summary>
static class StormScenario
{
    /// <summary>Unique per alert: how webhooks are matched back to POSTs.</summary>
    public const string IdLabel = "id";

    public static async Task<StormResult> RunAsync(
        ServerProcess server, WebhookSink sink, AlertFirsts firsts, BenchOptions options, Action<string> log, CancellationToken ct)
    {
        using var api = new AlertsApi(server.BaseAddress, options.Connections);
        await Notify.WarmUpAsync(server, api, sink, options.Connections, options.WarmupNotifyTimeout, log, ct);
        var warmupWebhooks = sink.Webhooks;

        var alerts = options.StormAlerts;
        var groups = options.StormGroups;
        var batch = options.Batch;
        var now = TimeProvider.System.GetUtcNow();
        var bodies = new byte[(alerts + batch - 1) / batch][];
        for (var r = 0; r < bodies.Length; r++)
        {
            var first = r * batch;
            bodies[r] = Notify.Body(Math.Min(batch, alerts - first), now, (w, i) =>
            {
                var id = first + i;
                w.WriteString("alertname", "BenchStorm");
                w.WriteString(Notify.GroupLabel, (id % groups).ToString(CultureInfo.InvariantCulture));
                w.WriteString(IdLabel, id.ToString(CultureInfo.InvariantCulture));
                w.WriteString("bench", "storm");
            });
        }
        var target = options.StormDuration;
        var interval = target / bodies.Length;
        log($"{server.Command.Name}: storm: {alerts:N0} alerts over {groups:N0} groups in {bodies.Length:N0} requests, one every {interval.TotalMilliseconds:0.0} ms ({target.TotalSeconds:0} s) over {options.Connections} connections");

        var begin = Stopwatch.GetTimestamp();
        var cpuBefore = ProcStats.Sample(server.Pid);
        var harnessBefore = ProcStats.Sample(Environment.ProcessId);
        var sentAt = new long[bodies.Length];
        var sent = await Notify.SendAsync(api, bodies, options.Connections, sentAt, interval, target * 3 + TimeSpan.FromSeconds(60), ct);
        server.EnsureRunning($"the storm ({sent.Failed} of {bodies.Length} requests failed; first: {sent.First})");
        log($"{server.Command.Name}: storm sent in {sent.Elapsed.TotalSeconds:0.00} s; {firsts.Notified:N0} alerts notified so far, waiting up to {options.NotifyTimeout.TotalSeconds:0} s for the rest");
        await Notify.WaitAsync(server, () => firsts.Notified >= alerts, options.NotifyTimeout, ct);
        var cpuAfter = ProcStats.Sample(server.Pid);
        var harnessAfter = ProcStats.Sample(Environment.ProcessId);
        var window = Stopwatch.GetElapsedTime(begin);

        var latencies = firsts.Collect(sentAt, batch);
        Array.Sort(latencies);
        var result = new StormResult(
            alerts,
            groups,
            bodies.Length,
            target.TotalSeconds,
            sent.Elapsed.TotalSeconds,
            sent.Failed,
            sent.First,
            latencies.Length,
            Notify.PercentileMs(latencies, 0.50) / 1000,
            Notify.PercentileMs(latencies, 0.99) / 1000,
            Notify.PercentileMs(latencies, 1.0) / 1000,
            cpuAfter.CpuSecondsSince(cpuBefore),
            window.TotalSeconds,
            harnessAfter.CpuSecondsSince(harnessBefore),
            cpuAfter.RssBytes,
            sink.Webhooks - warmupWebhooks,
            sink.Stats());
        if (result.LostAlerts > 0)
        {
            TargetRun.Loud($"{server.Command.Name} LOST ALERTS: {result.LostAlerts:N0} of {alerts:N0} storm alerts never appeared in a webhook within {options.NotifyTimeout.TotalSeconds:0} s after the last POST");
        }
        return result;
    }
}

/// <summary>The earliest webhook arrival of each storm alert, keyed by its <c>id</c> label; lock-free, since webhooks carry up to thousands of alerts each.</summary>
sealed class AlertFirsts(int alerts)
{
    readonly long[] _arrival = new long[alerts];
    int _notified;

    public int Notified => Volatile.Read(ref _notified);

    public void Observe(Delivery delivery)
    {
        foreach (var key in delivery.Keys)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id >= _arrival.Length)
            {
                continue;
            }
            if (Interlocked.CompareExchange(ref _arrival[id], delivery.ArrivalTimestamp, 0) == 0)
            {
                Interlocked.Increment(ref _notified);
            }
            else
            {
                Notify.RecordFirst(ref _arrival[id], delivery.ArrivalTimestamp);
            }
        }
    }

    /// <summary>POST-to-first-webhook ticks of every notified alert; alert i went out in request i / batch.</summary>
    public long[] Collect(long[] sentAt, int batch)
    {
        var latencies = new List<long>(_arrival.Length);
        for (var id = 0; id < _arrival.Length; id++)
        {
            var arrival = Volatile.Read(ref _arrival[id]);
            if (arrival != 0)
            {
                latencies.Add(arrival - sentAt[id / batch]);
            }
        }
        return [.. latencies];
    }
}
