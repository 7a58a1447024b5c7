using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Guardia.Bench.Scenarios;

namespace Guardia.Bench;

/// <summary>Which direction of a metric is the good one.</summary>
enum BetterWhen
{
    Higher,
    Lower,
}

/// <summary>One row of the side-by-side table.</summary>
sealed record Metric(string Scenario, string Name, string Unit, double? Alertmanager, double? Guardia, BetterWhen BetterWhen, string Format)
{
    /// <summary>Guardia / Alertmanager, or null when either is missing or Alertmanager's figure is zero.</summary>
    public double? Ratio => Alertmanager is { } am && Guardia is { } g && am != 0 ? g / am : null;
}

/// <summary>Builds the table from both servers' results and renders it as Markdown and JSON.</summary>
static class Report
{
    static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static List<Metric> Metrics(Scenario scenario, TargetResult am, TargetResult g)
    {
        const string MiB = "0.0";
        var rows = new List<Metric>();
        if ((scenario & ~Scenario.Incidents) != 0)
        {
            rows.Add(new("start", "start to ready, empty storage", "s", am.ColdStartSeconds, g.ColdStartSeconds, BetterWhen.Lower, "0.000"));
        }
        if (scenario.HasFlag(Scenario.Ingest))
        {
            rows.AddRange(
            [
                new("ingest", "throughput", "alerts/s", am.Ingest?.AlertsPerSecond, g.Ingest?.AlertsPerSecond, BetterWhen.Higher, "N0"),
                new("ingest", "wall time", "s", am.Ingest?.WallSeconds, g.Ingest?.WallSeconds, BetterWhen.Lower, "0.00"),
                new("ingest", "POST latency p50", "ms", am.Ingest?.P50Milliseconds, g.Ingest?.P50Milliseconds, BetterWhen.Lower, "0.00"),
                new("ingest", "POST latency p99", "ms", am.Ingest?.P99Milliseconds, g.Ingest?.P99Milliseconds, BetterWhen.Lower, "0.00"),
                new("ingest", "failed POST requests", "requests", am.Ingest?.FailedRequests, g.Ingest?.FailedRequests, BetterWhen.Lower, "N0"),
                new("ingest", "active alerts listed", "alerts", am.Ingest?.Listed.Load, g.Ingest?.Listed.Load, BetterWhen.Higher, "N0"),
                new("ingest", "RSS at idle (before ingest)", "MiB", Mib(am.Ingest?.RssIdleBytes), Mib(g.Ingest?.RssIdleBytes), BetterWhen.Lower, MiB),
                new("ingest", "RSS after ingest", "MiB", Mib(am.Ingest?.RssAfterBytes), Mib(g.Ingest?.RssAfterBytes), BetterWhen.Lower, MiB),
                new("ingest", "RSS per active alert", "bytes", am.Ingest?.RssBytesPerAlert, g.Ingest?.RssBytesPerAlert, BetterWhen.Lower, "N0"),
                new("ingest", "server CPU per 100k alerts", "CPU-s", am.Ingest?.CpuSecondsPer100K, g.Ingest?.CpuSecondsPer100K, BetterWhen.Lower, "0.00"),
                new("ingest", "GET /api/v2/alerts (all)", "s", am.Ingest?.Listed.Seconds, g.Ingest?.Listed.Seconds, BetterWhen.Lower, "0.000"),
            ]);
        }
        if (scenario.HasFlag(Scenario.Restart))
        {
            rows.AddRange(
            [
                new("restart", "graceful stop (SIGTERM to exit)", "s", am.Restart?.StopSeconds, g.Restart?.StopSeconds, BetterWhen.Lower, "0.000"),
                new("restart", "start to ready, with stored alerts", "s", am.Restart?.StartToReadySeconds, g.Restart?.StartToReadySeconds, BetterWhen.Lower, "0.000"),
                new("restart", "alerts before restart", "alerts", am.Restart?.AlertsBefore, g.Restart?.AlertsBefore, BetterWhen.Higher, "N0"),
                new("restart", "alerts after restart", "alerts", am.Restart?.ListedAfter.Load, g.Restart?.ListedAfter.Load, BetterWhen.Higher, "N0"),
            ]);
        }
        if (scenario.HasFlag(Scenario.E2e))
        {
            EndToEndResult? a = am.EndToEnd, b = g.EndToEnd;
            rows.AddRange(
            [
                new("e2e", "POST to first webhook p50", "ms", a?.P50Milliseconds, b?.P50Milliseconds, BetterWhen.Lower, "0.0"),
                new("e2e", "POST to first webhook p99", "ms", a?.P99Milliseconds, b?.P99Milliseconds, BetterWhen.Lower, "0.0"),
                new("e2e", "groups notified", "groups", a?.GroupsNotified, b?.GroupsNotified, BetterWhen.Higher, "N0"),
                new("e2e", "groups never notified", "groups", a?.NeverNotified, b?.NeverNotified, BetterWhen.Lower, "N0"),
                new("e2e", "first webhook held the whole group", "groups", a?.FirstWebhookComplete, b?.FirstWebhookComplete, BetterWhen.Higher, "N0"),
                new("e2e", "webhooks received", "webhooks", a?.Webhooks, b?.Webhooks, BetterWhen.Lower, "N0"),
                new("e2e", "server CPU, first POST to last first webhook", "CPU-s", a?.CpuSeconds, b?.CpuSeconds, BetterWhen.Lower, "0.00"),
                new("e2e", "failed POST requests", "requests", a?.FailedRequests, b?.FailedRequests, BetterWhen.Lower, "N0"),
            ]);
        }
        if (scenario.HasFlag(Scenario.Storm))
        {
            StormResult? a = am.Storm, b = g.Storm;
            rows.AddRange(
            [
                new("storm", "POST to first notification p50", "s", a?.P50Seconds, b?.P50Seconds, BetterWhen.Lower, "0.00"),
                new("storm", "POST to first notification p99", "s", a?.P99Seconds, b?.P99Seconds, BetterWhen.Lower, "0.00"),
                new("storm", "server CPU over the storm", "CPU-s", a?.CpuSeconds, b?.CpuSeconds, BetterWhen.Lower, "0.0"),
                new("storm", "alerts notified", "alerts", a?.AlertsNotified, b?.AlertsNotified, BetterWhen.Higher, "N0"),
                new("storm", "lost alerts (never notified)", "alerts", a?.LostAlerts, b?.LostAlerts, BetterWhen.Lower, "N0"),
                new("storm", "time to send every request", "s", a?.SendSeconds, b?.SendSeconds, BetterWhen.Lower, "0.00"),
                new("storm", "webhooks received", "webhooks", a?.Webhooks, b?.Webhooks, BetterWhen.Lower, "N0"),
                new("storm", "RSS after the storm", "MiB", Mib(a?.RssAfterBytes), Mib(b?.RssAfterBytes), BetterWhen.Lower, MiB),
                new("storm", "failed POST requests", "requests", a?.FailedRequests, b?.FailedRequests, BetterWhen.Lower, "N0"),
            ]);
        }
        if (scenario.HasFlag(Scenario.Incidents))
        {
            // Guardia only: the Alertmanager column stays empty (see NoCompetitor).
            var i = g.Incidents;
            rows.AddRange(
            [
                new("incidents", "time to open every incident (first POST to last created_at)", "s", null, i?.OpenSeconds, BetterWhen.Lower, "0.00"),
                new("incidents", "first POST to the last L1 page", "s", null, i?.LastL1PageSeconds, BetterWhen.Lower, "0.00"),
                new("incidents", "incidents opened and paged at L1", "incidents", null, i?.Opened, BetterWhen.Higher, "N0"),
                new("incidents", "RSS before the first POST", "MiB", null, Mib(i?.RssBeforeBytes), BetterWhen.Lower, MiB),
                new("incidents", "RSS with every incident open", "MiB", null, Mib(i?.RssOpenBytes), BetterWhen.Lower, MiB),
                new("incidents", "RSS per open incident", "bytes", null, i?.RssBytesPerIncident, BetterWhen.Lower, "N0"),
                new("incidents", "L2 page lateness p50 (arrival − due)", "ms", null, i?.LatenessP50Milliseconds, BetterWhen.Lower, "0.0"),
                new("incidents", "L2 page lateness p99 (target ≤ 100)", "ms", null, i?.LatenessP99Milliseconds, BetterWhen.Lower, "0.0"),
                new("incidents", "L2 page lateness max", "ms", null, i?.LatenessMaxMilliseconds, BetterWhen.Lower, "0.0"),
                new("incidents", "escalation step lateness p50 (in the engine)", "ms", null, i?.TimerP50Milliseconds, BetterWhen.Lower, "0.0"),
                new("incidents", "escalation step lateness p99 (in the engine)", "ms", null, i?.TimerP99Milliseconds, BetterWhen.Lower, "0.0"),
                new("incidents", "escalation step lateness max (in the engine)", "ms", null, i?.TimerMaxMilliseconds, BetterWhen.Lower, "0.0"),
                new("incidents", "incidents paged at L2", "incidents", null, i?.Escalated, BetterWhen.Higher, "N0"),
                new("incidents", "due instants spread over (last due − first due)", "s", null, i?.DueSpreadSeconds, BetterWhen.Lower, "0.00"),
                new("incidents", "first due to the last L2 page", "s", null, i?.EscalationSpanSeconds, BetterWhen.Lower, "0.00"),
                new("incidents", "server CPU, all open to all escalated", "CPU-s", null, i?.EscalationCpuSeconds, BetterWhen.Lower, "0.00"),
                new("incidents", "failed POST requests", "requests", null, i?.FailedRequests, BetterWhen.Lower, "N0"),
            ]);
        }
        return rows;
    }

    /// <summary>Why the incidents rows have no Alertmanager figure.</summary>
    public const string NoCompetitor =
        "incidents: Guardia only. Alertmanager has no incidents or escalation, and no escalation product runs on this machine " +
        "(Grafana OnCall is archived and not packaged), so there is no side-by-side figure; the other scenarios keep theirs.";

    /// <summary>The issue's target for the lateness of escalation pages (Guardia issue #6).</summary>
    public const double LatenessTargetP99Milliseconds = 100;

    /// <summary>Problems a reader must not miss: lost alerts, failed requests, servers that failed.</summary>
    public static List<string> Problems(int expectedAlerts, params TargetResult[] targets)
    {
        var problems = new List<string>();
        foreach (var t in targets)
        {
            if (t.Error is not null)
            {
                problems.Add($"{t.Name} failed: {t.Error.Split('\n')[0]}");
            }
            if (t.Ingest is { } i && i.FailedRequests > 0)
            {
                problems.Add($"{t.Name}: {i.FailedRequests:N0} of {i.Requests:N0} POST requests failed (first: {i.FirstFailure})");
            }
            if (t.EndToEnd is { } e)
            {
                if (e.NeverNotified > 0)
                {
                    problems.Add($"{t.Name} NEVER NOTIFIED {e.NeverNotified:N0} of {e.Groups:N0} e2e groups");
                }
                if (e.FailedRequests > 0)
                {
                    problems.Add($"{t.Name}: {e.FailedRequests:N0} of {e.Groups:N0} e2e POST requests failed (first: {e.FirstFailure})");
                }
                if (e.DistinctGroupKeys != e.GroupsNotified)
                {
                    problems.Add($"{t.Name}: {e.GroupsNotified:N0} e2e groups notified under {e.DistinctGroupKeys:N0} distinct groupKeys (expected one per group)");
                }
                SinkProblems(problems, t.Name, "e2e", e.Sink);
            }
            if (t.Storm is { } s)
            {
                if (s.LostAlerts > 0)
                {
                    problems.Add($"{t.Name} LOST ALERTS in the storm: {s.LostAlerts:N0} of {s.Alerts:N0} never appeared in a webhook");
                }
                if (s.FailedRequests > 0)
                {
                    problems.Add($"{t.Name}: {s.FailedRequests:N0} of {s.Requests:N0} storm POST requests failed (first: {s.FirstFailure})");
                }
                SinkProblems(problems, t.Name, "storm", s.Sink);
            }
            if (t.Incidents is { } inc)
            {
                IncidentProblems(problems, t.Name, inc);
            }
            if (t.Ingest is { } j && j.Listed.Load != expectedAlerts)
            {
                problems.Add($"{t.Name} LOST ALERTS during ingest: {expectedAlerts:N0} sent, {j.Listed.Load:N0} listed as active");
            }
            // Alertmanager keeps alerts in memory only: an empty list after its restart is the expected
            // outcome this scenario exists to show. For anything else, fewer alerts is data loss.
            if (t.Restart is { } r && r.ListedAfter.Load != r.AlertsBefore && !t.Name.StartsWith("Alertmanager", StringComparison.Ordinal))
            {
                problems.Add($"{t.Name} LOST ALERTS across restart: {r.AlertsBefore:N0} before, {r.ListedAfter.Load:N0} after");
            }
        }
        return problems;
    }

    static void IncidentProblems(List<string> problems, string name, IncidentsResult i)
    {
        if (i.Error is not null)
        {
            problems.Add($"{name} incidents failed: {i.Error.Split('\n')[0]}");
            return;
        }
        if (i.FailedRequests > 0)
        {
            problems.Add($"{name}: {i.FailedRequests:N0} of {i.Requests:N0} incidents POST requests failed (first: {i.FirstFailure})");
        }
        if (i.NeverOpened > 0)
        {
            problems.Add($"{name} NEVER PAGED {i.NeverOpened:N0} of {i.Incidents:N0} incidents at L1");
        }
        if (i.Opened - i.Escalated > 0)
        {
            problems.Add($"{name} NEVER ESCALATED {i.Opened - i.Escalated:N0} of {i.Opened:N0} open incidents to L2");
        }
        if (i.AllOpenBeforeFirstDue == false)
        {
            problems.Add($"{name}: the last incident opened after the first escalation was due: the timers did not fire as one burst (raise --escalation-timeout)");
        }
        if (i.LatenessP99Milliseconds > LatenessTargetP99Milliseconds)
        {
            problems.Add($"{name}: L2 page lateness p99 {i.LatenessP99Milliseconds:0.0} ms misses the target of {LatenessTargetP99Milliseconds:0} ms");
        }
        if (i.DuplicatePages > 0)
        {
            problems.Add($"{name}: {i.DuplicatePages:N0} pages repeated an incident and level already paged");
        }
        if (i.MalformedPages > 0)
        {
            problems.Add($"{name}: {i.MalformedPages:N0} requests to the page sink were not pages (first: {i.FirstMalformed})");
        }
    }

    static void SinkProblems(List<string> problems, string name, string scenario, SinkStats sink)
    {
        if (sink.Malformed > 0)
        {
            problems.Add($"{name}: {sink.Malformed:N0} {scenario} webhooks were not Alertmanager payloads (first: {sink.FirstMalformed})");
        }
        if (sink.NotFiring > 0)
        {
            problems.Add($"{name}: {sink.NotFiring:N0} {scenario} webhooks had a status other than \"firing\" although every alert was firing");
        }
    }

    public static string Markdown(BenchOptions options, string? binaryVersion, TargetResult am, TargetResult g, IReadOnlyList<Metric> metrics, IReadOnlyList<string> problems)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"## Guardia bench: {Workloads(options)}, {options.Connections} connections");
        sb.AppendLine();
        if ((options.Scenario & ~Scenario.Incidents) == 0)
        {
            sb.AppendLine("- Alertmanager column: not run (incidents only: Alertmanager has no incidents or escalation)");
        }
        else
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- Alertmanager column: {am.Name} {am.Version ?? "(version unknown)"} (`{am.Command}`; `--version` says {binaryVersion ?? "nothing parsable"})");
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Guardia column: {g.Name} {g.Version ?? "(version unknown)"} (`{g.Command}`)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, harness on .NET {Environment.Version}, load average at start {options.LoadAverageAtStart ?? "unknown"}");
        sb.AppendLine();
        sb.AppendLine("| scenario | metric | Alertmanager | Guardia | ratio G/AM | better when |");
        sb.AppendLine("| --- | --- | ---: | ---: | ---: | --- |");
        foreach (var m in metrics)
        {
            var ratio = m.Ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "n/a";
            var better = m.BetterWhen == BetterWhen.Higher ? "higher" : "lower";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {m.Scenario} | {m.Name} ({m.Unit}) | {Cell(m.Alertmanager, m.Format)} | {Cell(m.Guardia, m.Format)} | {ratio} | {better} |");
        }
        if (am.Ingest is not null || g.Ingest is not null)
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Harness CPU during ingest (shares the same cores): {Cell(am.Ingest?.HarnessCpuSeconds, "0.00")} s beside Alertmanager, {Cell(g.Ingest?.HarnessCpuSeconds, "0.00")} s beside Guardia.");
        }
        if (am.Storm is not null || g.Storm is not null)
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Storm CPU window (first POST until every alert was notified or the wait ended): {Cell(am.Storm?.CpuWindowSeconds, "0.0")} s for Alertmanager, {Cell(g.Storm?.CpuWindowSeconds, "0.0")} s for Guardia; harness CPU in it: {Cell(am.Storm?.HarnessCpuSeconds, "0.0")} s and {Cell(g.Storm?.HarnessCpuSeconds, "0.0")} s.");
            sb.AppendLine(CultureInfo.InvariantCulture, $"Slowest alert of the storm: {Cell(am.Storm?.MaxSeconds, "0.00")} s for Alertmanager, {Cell(g.Storm?.MaxSeconds, "0.00")} s for Guardia.");
            foreach (var t in new[] { am, g })
            {
                // The schedule is fixed; a server that answers POSTs slowly delays the later requests, so
                // its figures then describe a longer, gentler storm with queueing before ingest.
                if (t.Storm is { } s && s.SendSeconds > 1.2 * s.TargetSeconds)
                {
                    sb.AppendLine();
                    sb.AppendLine(CultureInfo.InvariantCulture, $"{t.Name} took {s.SendSeconds:0.0} s to accept the storm's requests instead of the {s.TargetSeconds:0} s scheduled: it (or the shared machine) did not keep up with the rate.");
                }
            }
        }
        if (g.Incidents is { } inc)
        {
            sb.AppendLine();
            sb.AppendLine(NoCompetitor);
            sb.AppendLine(CultureInfo.InvariantCulture, $"Lateness: each L2 page's arrival at the sink − its due instant (the incident's created_at + its policy's L1 timeout, {inc.EscalationTimeoutSeconds:0} s{(inc.Waves > 1 ? " minus one wave interval per wave" : string.Empty)}), over {inc.Escalated:N0} incidents; the engine's step is next_due_at − the L2 timeout. RSS per open incident includes its alert and aggregation group.");
            if (inc.DueSpreadSeconds is { } spread && spread > 0)
            {
                // Due instants follow the opening rate: the burst is as dense as the server can open incidents, no denser.
                var how = inc.Waves == 1 ? "as fast as the incidents had opened" : $"after {inc.Waves} waves meant to come due together";
                sb.AppendLine(CultureInfo.InvariantCulture, $"The {inc.Escalated:N0} escalations came due over {spread:0.00} s, {how} (≈{inc.Escalated / spread:N0} due per second), with no other work running.");
                if (inc.Waves == 1)
                {
                    sb.AppendLine("That is no denser than the server opens incidents; `--waves 100` makes them all come due within about a second.");
                }
            }
        }
        if (options.Scenario.HasFlag(Scenario.Restart))
        {
            sb.AppendLine();
            sb.AppendLine("Alertmanager keeps alerts in memory only, so it lists none after a restart; Guardia stores every alert it has answered for.");
        }
        if (problems.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("**Problems:**");
            foreach (var p in problems)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- **{p}**");
            }
        }
        return sb.ToString();
    }

    /// <summary>Writes the run as JSON to <c>&lt;dir&gt;/&lt;timestamp&gt;.json</c> and returns the path.</summary>
    public static async Task<string> WriteJsonAsync(string dir, DateTimeOffset startedAt, BenchOptions options, string? binaryVersion, TargetResult am, TargetResult g,
        IReadOnlyList<Metric> metrics, IReadOnlyList<string> problems, CancellationToken ct)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, startedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ".json");
        var document = new
        {
            startedAt,
            scenario = options.ScenarioName,
            options = new
            {
                options.Alerts,
                options.Batch,
                options.Connections,
                options.Groups,
                options.GroupSize,
                options.StormAlerts,
                options.StormGroups,
                stormSeconds = options.StormDuration.TotalSeconds,
                notifyTimeoutSeconds = options.NotifyTimeout.TotalSeconds,
                options.Incidents,
                escalationTimeoutSeconds = options.EscalationTimeout.TotalSeconds,
                options.Waves,
                waveIntervalSeconds = options.WaveInterval.TotalSeconds,
            },
            machine = new
            {
                cores = Environment.ProcessorCount,
                os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                harnessRuntime = Environment.Version.ToString(),
                clockTicksPerSecond = ProcStats.ClockTicksPerSecond,
                loadAverageAtStart = options.LoadAverageAtStart,
            },
            alertmanagerBinaryVersion = binaryVersion,
            alertmanager = am,
            guardia = g,
            metrics = metrics.Select(m => new { m.Scenario, metric = m.Name, m.Unit, m.Alertmanager, m.Guardia, ratio = m.Ratio, m.BetterWhen }),
            problems,
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, JsonOptions) + "\n", ct);
        return path;
    }

    static string Workloads(BenchOptions options)
    {
        var parts = new List<string>();
        if ((options.Scenario & Scenario.All) != 0)
        {
            var name = (options.Scenario & Scenario.All) == Scenario.All ? "ingest+restart" : options.Scenario.HasFlag(Scenario.Ingest) ? "ingest" : "restart (after ingest)";
            parts.Add($"{name} {options.Alerts:N0} alerts, {options.Batch} per POST");
        }
        if (options.Scenario.HasFlag(Scenario.E2e))
        {
            parts.Add($"e2e {options.Groups:N0} groups × {options.GroupSize} alerts");
        }
        if (options.Scenario.HasFlag(Scenario.Storm))
        {
            parts.Add($"storm {options.StormAlerts:N0} alerts over {options.StormGroups:N0} groups in {options.StormDuration.TotalSeconds:0} s, {options.Batch} per POST");
        }
        if (options.Scenario.HasFlag(Scenario.Incidents))
        {
            parts.Add(options.Waves == 1
                ? $"incidents {options.Incidents:N0} at once, L1 timeout {options.EscalationTimeout.TotalSeconds:0} s, {options.Batch} alerts per POST"
                : $"incidents {options.Incidents:N0} in {options.Waves} waves {options.WaveInterval.TotalMilliseconds:0} ms apart, L1 timeout {options.EscalationTimeout.TotalSeconds:0} s shortened by as much per wave so that all come due together");
        }
        return string.Join("; ", parts);
    }

    static double? Mib(long? bytes) => bytes / 1048576.0;

    static string Cell(double? value, string format) => value is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "—";
}
