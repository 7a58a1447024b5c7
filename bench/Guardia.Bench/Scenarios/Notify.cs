using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Guardia.Bench.Scenarios;

/// <summary>
/// What the e2e and storm scenarios share: their configuration (group by alertname and group, no group
/// wait, a one-second group interval, a webhook receiver pointing at the harness's sink), a warm-up that
/// also proves the server notifies at all, timed POSTs, and bounded waits for webhooks.
/// </summary>
static class Notify
{
    /// <summary>Label that tells which group of the workload an alert belongs to; also in group_by.</summary>
    public const string GroupLabel = "group";

    /// <summary>Warm-up groups per connection: each produces at least one flush and one webhook.</summary>
    const int WarmupGroupsPerConnection = 10;

    const int WarmupAlertsPerGroup = 5;

    /// <summary>How often the harness looks whether every expected webhook has arrived.</summary>
    static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(20);

    public static string Config(Uri webhook) => $"""
        route:
          receiver: bench-sink
          group_by: ['alertname', '{GroupLabel}']
          group_wait: 0s
          group_interval: 1s
          repeat_interval: 24h
        receivers:
          - name: bench-sink
            webhook_configs:
              - url: {webhook}
                send_resolved: false
        """;

    /// <summary>
    /// Sends firing alerts in groups of their own (alertname BenchWarmup, no key label, so the scenario's
    /// figures ignore their webhooks) and waits until each group has been notified, so that a JIT-compiled
    /// server is measured warm, as in the ingest scenario. A server that sends no webhook at all within
    /// <paramref name="timeout"/> fails here, loudly, instead of after a long measured run.
    /// </summary>
    public static async Task WarmUpAsync(ServerProcess server, AlertsApi api, WebhookSink sink, int connections, TimeSpan timeout, Action<string> log, CancellationToken ct)
    {
        var groups = WarmupGroupsPerConnection * connections;
        var now = TimeProvider.System.GetUtcNow();
        var bodies = new byte[groups][];
        for (var g = 0; g < groups; g++)
        {
            bodies[g] = Body(WarmupAlertsPerGroup, now, (w, i) =>
            {
                w.WriteString("alertname", "BenchWarmup");
                w.WriteString(GroupLabel, $"warmup-{g}");
                w.WriteString("instance", $"warmup-{g}-{i}:9100");
                w.WriteString("bench", Workload.WarmupPhase);
            });
        }
        var sent = await SendAsync(api, bodies, connections, new long[groups], interval: null, TimeSpan.FromSeconds(120), ct);
        server.EnsureRunning("warm-up");
        if (sent.Failed > 0)
        {
            throw new BenchException($"{server.Command.Name} rejected warm-up requests ({sent.Failed} of {groups}): {sent.First}\n{server.Tail()}");
        }
        var waited = await WaitAsync(server, () => sink.Webhooks >= groups, timeout, ct);
        var got = sink.Webhooks;
        if (got == 0)
        {
            throw new BenchException(
                $"{server.Command.Name} NEVER NOTIFIED: no webhook reached {sink.Url} within {timeout.TotalSeconds:0} s of {groups} warm-up groups " +
                "(group_wait 0s). Does it dispatch notifications to webhook receivers yet?\n" + server.Tail());
        }
        if (got < groups)
        {
            TargetRun.Loud($"{server.Command.Name}: only {got} webhooks for {groups} warm-up groups within {timeout.TotalSeconds:0} s; measuring anyway");
        }
        log($"{server.Command.Name}: warm-up: {groups} groups, {got} webhooks after {waited.TotalSeconds:0.00} s");
        // As in ingest: let the warm-up's garbage and background re-compilation settle.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
    }

    /// <summary>One POST /api/v2/alerts body of <paramref name="count"/> firing alerts that stay active for a day.</summary>
    public static byte[] Body(int count, DateTimeOffset now, Action<Utf8JsonWriter, int> writeLabels)
    {
        var startsAt = Format(now.AddMinutes(-1));
        var endsAt = Format(now.AddHours(24));
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            for (var i = 0; i < count; i++)
            {
                w.WriteStartObject();
                w.WriteStartObject("labels");
                writeLabels(w, i);
                w.WriteEndObject();
                w.WriteString("startsAt", startsAt);
                w.WriteString("endsAt", endsAt);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Sends every body exactly once over <paramref name="connections"/> workers, writing the Stopwatch
    /// timestamp taken just before each POST into <paramref name="sentAt"/>. With an
    /// <paramref name="interval"/>, body k is not sent before start + k × interval (a fixed request rate;
    /// a server that answers slowly makes the workers fall behind, never skip). The whole send is bounded
    /// by <paramref name="limit"/>.
    /// </summary>
    public static async Task<(int Failed, string? First, TimeSpan Elapsed)> SendAsync(
        AlertsApi api, IReadOnlyList<byte[]> bodies, int connections, long[] sentAt, TimeSpan? interval, TimeSpan limit, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(limit);
        var next = -1;
        var failed = 0;
        string? first = null;
        var start = Stopwatch.GetTimestamp();
        var workers = new Task[connections];
        for (var w = 0; w < connections; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < bodies.Count)
                {
                    if (interval is { } every)
                    {
                        var wait = every * i - Stopwatch.GetElapsedTime(start);
                        if (wait > TimeSpan.Zero)
                        {
                            await Task.Delay(wait, cts.Token);
                        }
                    }
                    sentAt[i] = Stopwatch.GetTimestamp();
                    var failure = await api.PostAlertsAsync(bodies[i], cts.Token);
                    if (failure is not null)
                    {
                        Interlocked.Increment(ref failed);
                        Interlocked.CompareExchange(ref first, failure, null);
                    }
                }
            }, cts.Token);
        }
        try
        {
            await Task.WhenAll(workers);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new BenchException($"Sending {bodies.Count} POST requests did not finish within {limit.TotalSeconds:0} s (server stuck?).");
        }
        return (failed, first, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>Waits until <paramref name="done"/> holds or <paramref name="timeout"/> passes; returns the time waited.</summary>
    public static async Task<TimeSpan> WaitAsync(ServerProcess server, Func<bool> done, TimeSpan timeout, CancellationToken ct)
    {
        var begin = Stopwatch.GetTimestamp();
        while (!done() && Stopwatch.GetElapsedTime(begin) < timeout)
        {
            server.EnsureRunning("the wait for webhooks");
            await Task.Delay(PollEvery, ct);
        }
        return Stopwatch.GetElapsedTime(begin);
    }

    /// <summary>Lowers <c>slot</c> to <paramref name="timestamp"/> if unset (0) or later: concurrent webhooks may be handled out of order.</summary>
    public static void RecordFirst(ref long slot, long timestamp)
    {
        long seen;
        while (((seen = Volatile.Read(ref slot)) == 0 || timestamp < seen)
               && Interlocked.CompareExchange(ref slot, timestamp, seen) != seen)
        {
        }
    }

    /// <summary>Nearest-rank percentile of sorted Stopwatch tick counts, in milliseconds; null when empty.</summary>
    public static double? PercentileMs(long[] sortedTicks, double p) =>
        sortedTicks.Length == 0 ? null : IngestScenario.Percentile(sortedTicks, p);

    static string Format(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
