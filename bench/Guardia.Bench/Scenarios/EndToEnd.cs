namespace Guardia.Bench.Scenarios;

/// <summary>Figures of one e2e run: how soon a new group's first webhook follows its POST.</summary>
sealed record EndToEndResult(
    int Groups,
    int AlertsPerGroup,
    int FailedRequests,
    string? FirstFailure,
    double SendSeconds,
    int GroupsNotified,
    double? P50Milliseconds,
    double? P99Milliseconds,
    double? MaxMilliseconds,
    int FirstWebhookComplete,
    int DistinctGroupKeys,
    double WaitSeconds,
    double CpuSeconds,
    double HarnessCpuSeconds,
    int Webhooks,
    SinkStats Sink)
{
    public int NeverNotified => Groups - GroupsNotified;
}

/// <summary>
/// POSTs one request per new group (every alert of the group in it) over a fixed number of connections and
/// measures, for each group, the time from just before its POST to the arrival of its first webhook.
/// </summary>
static class EndToEndScenario
{
    public static async Task<EndToEndResult> RunAsync(
        ServerProcess server, WebhookSink sink, GroupFirsts firsts, BenchOptions options, Action<string> log, CancellationToken ct)
    {
        using var api = new AlertsApi(server.BaseAddress, options.Connections);
        await Notify.WarmUpAsync(server, api, sink, options.Connections, options.WarmupNotifyTimeout, log, ct);
        var warmupWebhooks = sink.Webhooks;

        var groups = options.Groups;
        var size = options.GroupSize;
        var now = TimeProvider.System.GetUtcNow();
        var bodies = new byte[groups][];
        for (var g = 0; g < groups; g++)
        {
            var group = g.ToString(System.Globalization.CultureInfo.InvariantCulture);
            bodies[g] = Notify.Body(size, now, (w, i) =>
            {
                w.WriteString("alertname", "BenchEndToEnd");
                w.WriteString(Notify.GroupLabel, group);
                w.WriteString("instance", $"e2e-{group}-{i}:9100");
                w.WriteString("bench", "e2e");
            });
        }
        log($"{server.Command.Name}: e2e: {groups:N0} groups × {size} alerts, one POST per group over {options.Connections} connections");

        var cpuBefore = ProcStats.Sample(server.Pid);
        var harnessBefore = ProcStats.Sample(Environment.ProcessId);
        var sentAt = new long[groups];
        var sent = await Notify.SendAsync(api, bodies, options.Connections, sentAt, interval: null, TimeSpan.FromSeconds(60 + groups / 10), ct);
        server.EnsureRunning($"e2e POSTs ({sent.Failed} of {groups} failed; first: {sent.First})");
        var waited = await Notify.WaitAsync(server, () => firsts.Notified >= groups, options.NotifyTimeout, ct);
        var cpuAfter = ProcStats.Sample(server.Pid);
        var harnessAfter = ProcStats.Sample(Environment.ProcessId);

        var (latencies, complete, groupKeys) = firsts.Collect(sentAt, size);
        Array.Sort(latencies);
        var result = new EndToEndResult(
            groups,
            size,
            sent.Failed,
            sent.First,
            sent.Elapsed.TotalSeconds,
            latencies.Length,
            Notify.PercentileMs(latencies, 0.50),
            Notify.PercentileMs(latencies, 0.99),
            Notify.PercentileMs(latencies, 1.0),
            complete,
            groupKeys,
            waited.TotalSeconds,
            cpuAfter.CpuSecondsSince(cpuBefore),
            harnessAfter.CpuSecondsSince(harnessBefore),
            sink.Webhooks - warmupWebhooks,
            sink.Stats());
        if (result.NeverNotified > 0)
        {
            TargetRun.Loud($"{server.Command.Name} NEVER NOTIFIED {result.NeverNotified:N0} of {groups:N0} groups within {options.NotifyTimeout.TotalSeconds:0} s after the last POST");
        }
        return result;
    }
}

/// <summary>
/// The first webhook of each e2e group, as the sink's callback records them: earliest arrival, how many of
/// the group's alerts it carried, and its groupKey. Group numbers come from the <c>group</c> label;
/// webhooks of other groups (warm-up) are ignored.
/// </summary>
sealed class GroupFirsts(int groups)
{
    readonly long[] _arrival = new long[groups];
    readonly int[] _alerts = new int[groups];
    readonly string?[] _groupKey = new string?[groups];
    readonly Lock _lock = new();
    int _notified;

    public int Notified => Volatile.Read(ref _notified);

    public void Observe(Delivery delivery)
    {
        if (delivery.Keys.Length == 0
            || !int.TryParse(delivery.Keys[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var g)
            || g >= _arrival.Length)
        {
            return;
        }
        // A few thousand webhooks in all: a lock keeps arrival, alert count and groupKey consistent.
        lock (_lock)
        {
            if (_arrival[g] == 0)
            {
                _notified++;
            }
            else if (_arrival[g] <= delivery.ArrivalTimestamp)
            {
                return;
            }
            _arrival[g] = delivery.ArrivalTimestamp;
            _alerts[g] = delivery.Keys.Length;
            _groupKey[g] = delivery.GroupKey;
        }
    }

    /// <summary>POST-to-first-webhook ticks of every notified group, how many first webhooks held the whole group, and distinct groupKeys.</summary>
    public (long[] Latencies, int Complete, int DistinctGroupKeys) Collect(long[] sentAt, int groupSize)
    {
        lock (_lock)
        {
            var latencies = new List<long>(_arrival.Length);
            var complete = 0;
            var keys = new HashSet<string>(StringComparer.Ordinal);
            for (var g = 0; g < _arrival.Length; g++)
            {
                if (_arrival[g] == 0)
                {
                    continue;
                }
                latencies.Add(_arrival[g] - sentAt[g]);
                if (_alerts[g] == groupSize)
                {
                    complete++;
                }
                keys.Add(_groupKey[g]!);
            }
            return ([.. latencies], complete, keys.Count);
        }
    }
}
