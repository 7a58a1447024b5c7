using System.Globalization;
using System.Text.Json;

namespace Guardia.Bench;

/// <summary>
/// Alerts serialized up front into POST /api/v2/alerts bodies, so the timed loop only sends bytes.
/// Every alert has a distinct label set (the instance label is unique); the <c>bench</c> label tells
/// load alerts from warm-up alerts when the harness counts what a server returns.
/// </summary>
sealed class Workload
{
    public const string LoadPhase = "load";
    public const string WarmupPhase = "warmup";

    static readonly string[] Jobs = ["node", "api", "postgres", "redis", "ingress"];
    static readonly string[] Severities = ["critical", "warning", "info"];

    // 50 alert names, in the style of the seeds' rules: 10 conditions across 5 subsystems.
    static readonly string[] AlertNames =
    [
        .. from subsystem in new[] { "Api", "Db", "Cache", "Queue", "Node" }
           from condition in new[]
           {
               "HighErrorRate", "HighLatency", "Down", "HighCpu", "HighMemory",
               "DiskFillingUp", "TooManyRestarts", "CertificateExpiring", "ReplicationLag", "SaturationHigh",
           }
           select subsystem + condition,
    ];

    Workload(string phase, IReadOnlyList<byte[]> bodies, int alertCount)
    {
        Phase = phase;
        Bodies = bodies;
        AlertCount = alertCount;
    }

    public string Phase { get; }

    public IReadOnlyList<byte[]> Bodies { get; }

    public int AlertCount { get; }

    public long TotalBytes => Bodies.Sum(b => (long)b.Length);

    /// <summary>Firing alerts that stay active for <paramref name="activeFor"/>.</summary>
    public static Workload Load(int count, int batchSize, DateTimeOffset now, TimeSpan activeFor) =>
        Build(LoadPhase, count, batchSize, now.AddMinutes(-1), now + activeFor);

    /// <summary>Already-resolved alerts: they exercise the ingest path but are not returned as active.</summary>
    public static Workload Warmup(int count, int batchSize, DateTimeOffset now) =>
        Build(WarmupPhase, count, batchSize, now.AddMinutes(-2), now.AddMinutes(-1));

    static Workload Build(string phase, int count, int batchSize, DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        var starts = Format(startsAt);
        var ends = Format(endsAt);
        var bodies = new List<byte[]>((count + batchSize - 1) / batchSize);
        using var buffer = new MemoryStream();
        for (var first = 0; first < count; first += batchSize)
        {
            buffer.SetLength(0);
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartArray();
                for (var i = first; i < Math.Min(count, first + batchSize); i++)
                {
                    WriteAlert(w, phase, i, starts, ends);
                }
                w.WriteEndArray();
            }
            bodies.Add(buffer.ToArray());
        }
        return new Workload(phase, bodies, count);
    }

    static void WriteAlert(Utf8JsonWriter w, string phase, int i, string startsAt, string endsAt)
    {
        var alertname = phase == LoadPhase ? AlertNames[i % AlertNames.Length] : "BenchWarmup";
        var instance = phase == LoadPhase ? $"host-{i}:9100" : $"warmup-{i}:9100";
        var job = Jobs[i % Jobs.Length];
        var severity = Severities[i % Severities.Length];
        w.WriteStartObject();
        w.WriteStartObject("labels");
        w.WriteString("alertname", alertname);
        w.WriteString("instance", instance);
        w.WriteString("job", job);
        w.WriteString("severity", severity);
        w.WriteString("bench", phase);
        w.WriteEndObject();
        w.WriteStartObject("annotations");
        w.WriteString("summary", $"{alertname} on {instance} ({job}, {severity})");
        w.WriteEndObject();
        w.WriteString("generatorURL", $"http://127.0.0.1:9090/graph?g0.expr=up%7Binstance%3D%22{Uri.EscapeDataString(instance)}%22%7D&g0.tab=1");
        w.WriteString("startsAt", startsAt);
        w.WriteString("endsAt", endsAt);
        w.WriteEndObject();
    }

    static string Format(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
