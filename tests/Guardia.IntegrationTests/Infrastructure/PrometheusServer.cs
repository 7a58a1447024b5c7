using System.Text;

namespace Guardia.IntegrationTests.Infrastructure;

/// <summary>The real Prometheus on a free loopback port, scraping and evaluating every second, with optional rules
/// and an Alertmanager-compatible target (Guardia) to send alerts to; its files live in a temporary directory.</summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    readonly string _dir;

    PrometheusServer(string dir, int port, ExternalProcess process)
    {
        _dir = dir;
        Port = port;
        Process = process;
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public ExternalProcess Process { get; }

    /// <summary>Starts Prometheus scraping <paramref name="targets"/> (job name and port on 127.0.0.1).</summary>
    /// <param name="rules">A rule file's YAML, or null.</param>
    /// <param name="alertmanagerPort">The port alerts are sent to, or null.</param>
    /// <param name="externalLabels">YAML lines of <c>external_labels</c> (e.g. <c>cluster: it</c>), or null.</param>
    /// <param name="targets">The scrape jobs.</param>
    public static async Task<PrometheusServer> StartAsync(string? rules, int? alertmanagerPort, string? externalLabels, params (string Job, int Port)[] targets)
    {
        var dir = Directory.CreateTempSubdirectory("prometheus-it-").FullName;
        var config = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n");
        if (externalLabels is not null)
        {
            config.Append("  external_labels:\n    ").Append(externalLabels).Append('\n');
        }
        if (rules is not null)
        {
            var file = Path.Combine(dir, "rules.yml");
            await File.WriteAllTextAsync(file, rules);
            config.Append($"rule_files: [\"{file}\"]\n");
        }
        if (alertmanagerPort is { } am)
        {
            config.Append($"alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"127.0.0.1:{am}\"]\n");
        }
        config.Append("scrape_configs:\n");
        foreach (var (job, port) in targets)
        {
            config.Append($"  - job_name: {job}\n    static_configs:\n      - targets: [\"127.0.0.1:{port}\"]\n");
        }
        var configFile = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, config.ToString());
        var promPort = LoopbackPorts.Next();
        var process = ExternalProcess.Start(Binaries.Prometheus,
            [$"--config.file={configFile}", $"--storage.tsdb.path={Path.Combine(dir, "tsdb")}", $"--web.listen-address=127.0.0.1:{promPort}", $"--web.external-url=http://127.0.0.1:{promPort}/"], dir);
        return new PrometheusServer(dir, promPort, process);
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Prometheus may still hold a file for a moment; the temporary directory is cleaned by the system.
        }
    }
}
