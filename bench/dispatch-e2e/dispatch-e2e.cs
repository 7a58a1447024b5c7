// Dispatch end-to-end and storm measurement, one server at a time, side by side with Alertmanager:
//   dotnet run dispatch-e2e.cs -- guardia|am GROUPS ALERTS_PER_GROUP [SPREAD_SECONDS] [GUARDIA_DLL]
//   e2e:   dotnet run dispatch-e2e.cs -- am 1000 10      (group_wait 0s, group_interval 1s)
//   storm: dotnet run dispatch-e2e.cs -- am 2000 50 10   (100,000 alerts posted over 10 s)
// Prints POST-to-first-webhook p50/p99 per group and per alert, messages, lost alerts and server CPU-seconds.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

var target = args[0];
var groups = int.Parse(args[1]);
var per = int.Parse(args[2]);
var spreadSeconds = args.Length > 3 ? double.Parse(args[3]) : 0; // storm: post over this many seconds
var guardiaDll = args.Length > 4 ? args[4] : Path.GetFullPath(Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".", "../../src/Guardia.Server/bin/Release/net10.0/guardia.dll"));

static int FreePort() { var l = new TcpListener(IPAddress.Loopback, 0); l.Start(); var p = ((IPEndPoint)l.LocalEndpoint).Port; l.Stop(); return p; }

var sinkPort = FreePort();
var listener = new HttpListener();
listener.Prefixes.Add($"http://127.0.0.1:{sinkPort}/");
listener.Start();
var firstSeen = new ConcurrentDictionary<string, long>();       // per group
var alertSeen = new ConcurrentDictionary<string, long>();       // per alert
var messages = 0;
_ = Task.Run(async () =>
{
    while (true)
    {
        var ctx = await listener.GetContextAsync();
        _ = Task.Run(async () =>
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.InputStream);
            var now = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref messages);
            var g = doc.RootElement.GetProperty("groupLabels").GetProperty("g").GetString()!;
            firstSeen.TryAdd(g, now);
            foreach (var a in doc.RootElement.GetProperty("alerts").EnumerateArray())
            {
                alertSeen.TryAdd(g + "/" + a.GetProperty("labels").GetProperty("i").GetString(), now);
            }
            ctx.Response.StatusCode = 200;
            ctx.Response.Close();
        });
    }
});

var dir = Directory.CreateTempSubdirectory("e2e-").FullName;
var cfg = Path.Combine(dir, "am.yml");
File.WriteAllText(cfg, $"route:\n  receiver: hook\n  group_by: [g]\n  group_wait: 0s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: hook\n    webhook_configs: [{{url: 'http://127.0.0.1:{sinkPort}/'}}]\n");
var port = FreePort();
var psi = target == "guardia"
    ? new ProcessStartInfo("dotnet", [guardiaDll, "serve", "--web.listen-address", $"127.0.0.1:{port}", "--storage.path", dir, "--config.file", cfg])
    : new ProcessStartInfo("/usr/bin/prometheus-alertmanager", ["--config.file", cfg, "--storage.path", dir, "--web.listen-address", $"127.0.0.1:{port}", "--cluster.listen-address="]);
psi.RedirectStandardError = true; psi.RedirectStandardOutput = true;
using var proc = Process.Start(psi)!;
_ = proc.StandardError.ReadToEndAsync(); _ = proc.StandardOutput.ReadToEndAsync();
using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
for (var i = 0; i < 600; i++) { try { if ((await http.GetAsync("/-/ready")).IsSuccessStatusCode) break; } catch (HttpRequestException) { } await Task.Delay(50); }

double Cpu() { var f = File.ReadAllText($"/proc/{proc.Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries); return (long.Parse(f[11]) + long.Parse(f[12])) / 100.0; }
var cpu0 = Cpu();
var posted = new long[groups];
var endsAt = DateTime.UtcNow.AddHours(1).ToString("O");
var start = Stopwatch.GetTimestamp();
var next = -1;
var failed = 0;
await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
{
    int g;
    while ((g = Interlocked.Increment(ref next)) < groups)
    {
        if (spreadSeconds > 0)
        {
            var due = start + (long)(g * spreadSeconds / groups * Stopwatch.Frequency);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
        }
        var sb = new StringBuilder("[");
        for (var i = 0; i < per; i++) sb.Append(i > 0 ? "," : "").Append($"{{\"labels\":{{\"alertname\":\"E2E\",\"g\":\"g{g}\",\"i\":\"i{i}\"}},\"endsAt\":\"{endsAt}\"}}");
        sb.Append(']');
        posted[g] = Stopwatch.GetTimestamp();
        using var r = await http.PostAsync("/api/v2/alerts", new StringContent(sb.ToString(), Encoding.UTF8, "application/json"));
        if (!r.IsSuccessStatusCode) Interlocked.Increment(ref failed);
    }
})));
var postSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
var deadline = Stopwatch.GetTimestamp() + 120 * Stopwatch.Frequency;
while (alertSeen.Count < groups * per && Stopwatch.GetTimestamp() < deadline) await Task.Delay(50);
await Task.Delay(3000); // let duplicates show
var cpu = Cpu() - cpu0;
var lat = Enumerable.Range(0, groups).Where(g => firstSeen.ContainsKey($"g{g}")).Select(g => (firstSeen[$"g{g}"] - posted[g]) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
var alat = alertSeen.Select(kv => (kv.Value - posted[int.Parse(kv.Key.Split('/')[0][1..])]) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
double P(double[] a, double q) => a.Length == 0 ? double.NaN : a[Math.Min(a.Length - 1, (int)(q * a.Length))];
Console.WriteLine($"{target}: groups={groups}x{per} posted in {postSeconds:F1}s (failed {failed}); messages={messages}; groups notified={firstSeen.Count}; alerts notified={alertSeen.Count}/{groups * per} (lost {groups * per - alertSeen.Count})");
Console.WriteLine($"{target}: POST->first webhook per group p50={P(lat, 0.5):F0}ms p99={P(lat, 0.99):F0}ms; per alert p50={P(alat, 0.5):F0}ms p99={P(alat, 0.99):F0}ms; server CPU {cpu:F2}s");
proc.Kill();
Directory.Delete(dir, true);
