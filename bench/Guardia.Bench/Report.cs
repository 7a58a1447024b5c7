using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

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
        var rows = new List<Metric>
        {
            new("start", "start to ready, empty storage", "s", am.ColdStartSeconds, g.ColdStartSeconds, BetterWhen.Lower, "0.000"),
        };
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
        return rows;
    }

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

    public static string Markdown(BenchOptions options, string? binaryVersion, TargetResult am, TargetResult g, IReadOnlyList<Metric> metrics, IReadOnlyList<string> problems)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"## Guardia bench: {options.Scenario.ToString().ToLowerInvariant()}, {options.Alerts:N0} alerts, {options.Batch} per POST, {options.Connections} connections");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Alertmanager column: {am.Name} {am.Version ?? "(version unknown)"} (`{am.Command}`; `--version` says {binaryVersion ?? "nothing parsable"})");
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
            scenario = options.Scenario.ToString().ToLowerInvariant(),
            options = new { options.Alerts, options.Batch, options.Connections },
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

    static double? Mib(long? bytes) => bytes / 1048576.0;

    static string Cell(double? value, string format) => value is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "—";
}
