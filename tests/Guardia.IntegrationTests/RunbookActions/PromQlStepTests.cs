using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Guardia.Core.Runbooks;
using Guardia.Integrations.RunbookActions;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.RunbookActions;

/// <summary>promql steps against a real Prometheus scraping a target the test controls: <c>queue_depth</c> falls by 10
/// at every scrape, <c>pool_size</c> stays at 8.</summary>
public sealed class PromQlStepTests(PromQlStepTests.Peers peers) : IClassFixture<PromQlStepTests.Peers>
{
    public sealed class Peers : IAsyncLifetime
    {
        HttpListener _target = null!;
        readonly string _dir = Directory.CreateTempSubdirectory("guardia-promql-").FullName;
        Task _loop = Task.CompletedTask;
        int _scrapes;
        ExternalProcess? _prometheus;

        public Uri PrometheusUrl { get; private set; } = null!;

        public int Scrapes => Volatile.Read(ref _scrapes);

        public async ValueTask InitializeAsync()
        {
            _target = LoopbackPorts.StartHttpListener(out var targetPort);
            _loop = Task.Run(ServeAsync);
            var promPort = LoopbackPorts.Next();
            var config = Path.Combine(_dir, "prometheus.yml");
            await File.WriteAllTextAsync(config, $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: target
                    static_configs:
                      - targets: ["127.0.0.1:{targetPort}"]
                """);
            _prometheus = ExternalProcess.Start(Binaries.Prometheus,
                [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_dir, "data")}", $"--web.listen-address=127.0.0.1:{promPort}"], _dir);
            PrometheusUrl = new Uri($"http://127.0.0.1:{promPort}");
            // Wait for the first scrape to be queryable, bounded.
            using var http = new HttpClient();
            var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                try
                {
                    var json = await http.GetStringAsync(new Uri(PrometheusUrl, "api/v1/query?query=queue_depth"));
                    if (JsonDocument.Parse(json).RootElement.GetProperty("data").GetProperty("result").GetArrayLength() > 0)
                    {
                        return;
                    }
                }
                catch (HttpRequestException) when (!_prometheus.HasExited)
                {
                }
                if (DateTimeOffset.UtcNow > deadline || _prometheus.HasExited)
                {
                    throw new TimeoutException("Prometheus never scraped the test target:\n" + _prometheus.Output);
                }
                await Task.Delay(200);
            }
        }

        /// <summary>Waits until Prometheus holds at least <paramref name="seconds"/> of samples.</summary>
        public async Task WaitForHistoryAsync(int seconds)
        {
            var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(seconds + 60);
            using var http = new HttpClient();
            while (DateTimeOffset.UtcNow < deadline)
            {
                var json = await http.GetStringAsync(new Uri(PrometheusUrl, $"api/v1/query?query=count_over_time(queue_depth[{seconds + 1}s])"));
                var result = JsonDocument.Parse(json).RootElement.GetProperty("data").GetProperty("result");
                if (result.GetArrayLength() > 0 && double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture) >= seconds + 1)
                {
                    return;
                }
                await Task.Delay(250);
            }
            throw new TimeoutException($"Prometheus did not collect {seconds}s of samples in time");
        }

        async Task ServeAsync()
        {
            while (_target.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _target.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                var n = Interlocked.Increment(ref _scrapes);
                var body = $"# TYPE queue_depth gauge\nqueue_depth{{queue=\"orders\"}} {5000 - (n * 10)}\n# TYPE pool_size gauge\npool_size{{pool=\"db\"}} 8\n";
                var bytes = Encoding.UTF8.GetBytes(body);
                context.Response.ContentType = "text/plain; version=0.0.4";
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_prometheus is not null)
            {
                await _prometheus.DisposeAsync();
            }
            // Close alone: Stop then Close makes HttpListener bind the port again to remove its prefix, which fails
            // ("Address already in use") once another test took the port.
            _target.Close();
            await _loop;
            Directory.Delete(_dir, recursive: true);
        }
    }

    PromQlStepExecutor Executor() => new(new RunbookActionOptions
    {
        Prometheus = new Dictionary<string, Uri> { ["default"] = peers.PrometheusUrl },
    }, TimeProvider.System);

    static StepRequest Request(string query, string? condition, string queue) =>
        new("run-1", "step-1", "promql", query,
            condition is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["condition"] = condition },
            new Dictionary<string, string> { ["queue"] = queue }, new HashSet<string>(), TimeSpan.FromSeconds(30));

    static TheoryDataRow<string, string, string?, string, StepOutcome> Row(string name, string query, string? condition, string queue, StepOutcome outcome) =>
        new(name, query, condition, queue, outcome) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, string?, string, StepOutcome>> Cases =>
    [
        Row("below threshold",            "queue_depth{queue=\"{queue}\"}",  "< 5000",                              "orders", StepOutcome.Succeeded),
        Row("above threshold fails",      "queue_depth{queue=\"{queue}\"}",  "> 5000",                              "orders", StepOutcome.Failed),
        Row("no condition just runs",     "queue_depth{queue=\"{queue}\"}",  null,                                  "orders", StepOutcome.Succeeded),
        Row("scalar",                     "scalar(pool_size)",               "== 8",                                "orders", StepOutcome.Succeeded),
        Row("breakout is a label value",  "queue_depth{queue=\"{queue}\"}",  "< 5000",                              "\"} or vector(1) #", StepOutcome.Failed),
        Row("breakout with backslash",    "queue_depth{queue=\"{queue}\"}",  "< 5000",                              "\\\"} or vector(1) #", StepOutcome.Failed),
        Row("regex value is literal",     "queue_depth{queue=~\"{queue}\"}", "< 5000",                              ".*", StepOutcome.Failed),
        Row("regex value matches itself", "queue_depth{queue=~\"{queue}\"}", "< 5000",                              "orders", StepOutcome.Succeeded),
        Row("bad query fails",            "queue_depth{queue=\"{queue}\"",   "< 5000",                              "orders", StepOutcome.Failed),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ExecuteAsync_EvaluatesCondition_AgainstRealPrometheus(string name, string query, string? condition, string queue, StepOutcome outcome)
    {
        _ = name;

        var result = await Executor().ExecuteAsync(Request(query, condition, queue), TestContext.Current.CancellationToken);

        Assert.True(outcome == result.Outcome, $"{result.Outcome}: {result.Error}\n{result.Output}");
        if (queue != "orders")
        {
            // A valid query that selects nothing: the value stayed inside its label matcher.
            Assert.Contains("no series", result.Error, StringComparison.Ordinal);
        }
        if (outcome == StepOutcome.Succeeded && condition is not null)
        {
            Assert.Contains("  ok\n", result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ExecuteAsync_ChecksTrend_OverWindows()
    {
        // Windows of 3s over 1s scrapes: a point only repeats the previous sample if a scrape stalls for 3s.
        await peers.WaitForHistoryAsync(7);
        var promql = Executor();

        var decreasing = await promql.ExecuteAsync(Request("queue_depth{queue=\"{queue}\"}", "< 5000 and decreasing over 2 windows of 3s", "orders"), TestContext.Current.CancellationToken);
        var increasing = await promql.ExecuteAsync(Request("queue_depth{queue=\"{queue}\"}", "increasing over 2 windows of 3s", "orders"), TestContext.Current.CancellationToken);
        var stable = await promql.ExecuteAsync(Request("pool_size", "== 8 and stable over 2 windows of 3s", "orders"), TestContext.Current.CancellationToken);

        Assert.True(decreasing.Outcome == StepOutcome.Succeeded, $"{decreasing.Error}\n{decreasing.Output}");
        Assert.Contains("over 2 windows", decreasing.Output, StringComparison.Ordinal);
        Assert.True(increasing.Outcome == StepOutcome.Failed, $"{increasing.Error}\n{increasing.Output}");
        Assert.Contains("not increasing", increasing.Error, StringComparison.Ordinal);
        Assert.True(stable.Outcome == StepOutcome.Succeeded, $"{stable.Error}\n{stable.Output}");
    }
}
