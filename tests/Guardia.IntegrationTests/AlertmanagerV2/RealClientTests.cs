using System.Net;
using System.Text;
using System.Text.Json;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.AlertmanagerV2;

/// <summary>The real amtool and the real Prometheus, pointed at Guardia instead of Alertmanager.</summary>
public sealed class RealClientTests
{
    [Fact]
    public async Task Amtool_AddsAndQueriesAlerts_WithMatchers()
    {
        await using var guardia = await AlertApiServer.StartGuardiaAsync();
        var url = "--alertmanager.url=" + guardia.Url;
        foreach (var (name, severity) in new[] { ("DiskFull", "critical"), ("DiskFull", "warning"), ("HighLatency", "warning") })
        {
            var add = await ExternalProcess.RunAsync(Binaries.Amtool, [url, "alert", "add", $"alertname={name}", $"severity={severity}", "--annotation=summary=Sin espacio en disco", "--generator-url=http://prometheus.local/graph"]);
            Assert.True(add.ExitCode == 0, add.StdErr);
        }

        var all = await ExternalProcess.RunAsync(Binaries.Amtool, [url, "alert", "query", "-o", "json"]);
        Assert.True(all.ExitCode == 0, all.StdErr);
        Assert.Equal(3, JsonDocument.Parse(all.StdOut).RootElement.GetArrayLength());

        var critical = await ExternalProcess.RunAsync(Binaries.Amtool, [url, "alert", "query", "-o", "json", "alertname=DiskFull", "severity=~crit.*"]);
        Assert.True(critical.ExitCode == 0, critical.StdErr);
        var alert = JsonDocument.Parse(critical.StdOut).RootElement.EnumerateArray().Single();
        Assert.Equal("critical", alert.GetProperty("labels").GetProperty("severity").GetString());
        Assert.Equal("Sin espacio en disco", alert.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Equal("http://prometheus.local/graph", alert.GetProperty("generatorURL").GetString());

        var notWarning = await ExternalProcess.RunAsync(Binaries.Amtool, [url, "alert", "query", "-o", "simple", "severity!=warning"]);
        Assert.True(notWarning.ExitCode == 0, notWarning.StdErr);
        Assert.Contains("DiskFull", notWarning.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("HighLatency", notWarning.StdOut, StringComparison.Ordinal);

        // amtool refuses an invalid label name itself, before sending; nothing reaches the server.
        var bad = await ExternalProcess.RunAsync(Binaries.Amtool, [url, "alert", "add", "alertname=x", "0bad=y"]);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Equal(3, (await guardia.GetAlertsAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Prometheus_DeliversFiringThenResolvedAlerts_WithItsLabelsAndGeneratorUrl()
    {
        await using var guardia = await AlertApiServer.StartGuardiaAsync();
        await using var target = new ToggleTarget();
        await using var server = await PrometheusServer.StartAsync("""
            groups:
              - name: guardia_it
                interval: 1s
                rules:
                  - alert: ToggleOn
                    expr: toggle_value == 1
                    labels:
                      severity: critical
                      team: backend
                    annotations:
                      summary: "Toggle on {{ $labels.instance }}"
            """, guardia.Port, "cluster: it", ("toggle", target.Port));
        var prometheus = server.Process;
        var promPort = server.Port;

        var alert = await WaitForAsync(guardia, alerts => alerts.GetArrayLength() == 1, prometheus);
        var only = alert.EnumerateArray().Single();
        var labels = only.GetProperty("labels");
        Assert.Equal("ToggleOn", labels.GetProperty("alertname").GetString());
        Assert.Equal("critical", labels.GetProperty("severity").GetString());
        Assert.Equal("toggle", labels.GetProperty("job").GetString());
        Assert.Equal("it", labels.GetProperty("cluster").GetString());
        Assert.Equal($"Toggle on 127.0.0.1:{target.Port}", only.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Contains($"127.0.0.1:{promPort}/graph?g0.expr=", only.GetProperty("generatorURL").GetString(), StringComparison.Ordinal);

        // Prometheus sends firing alerts with endsAt a few minutes ahead; a quick disappearance means
        // it sent an explicit resolution and Guardia applied it.
        target.Value = 0;
        await WaitForAsync(guardia, alerts => alerts.GetArrayLength() == 0, prometheus);
    }

    static async Task<JsonElement> WaitForAsync(AlertApiServer server, Func<JsonElement, bool> condition, ExternalProcess prometheus)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await server.GetAlertsAsync();
            if (condition(last))
            {
                return last;
            }
            Assert.False(prometheus.HasExited, prometheus.Output);
            await Task.Delay(250);
        }
        throw new TimeoutException($"condition not met within 60 s; last listing: {last}\nprometheus:\n{prometheus.Output}");
    }
}
