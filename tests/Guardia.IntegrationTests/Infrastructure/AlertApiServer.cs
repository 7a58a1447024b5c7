using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Guardia.IntegrationTests.Infrastructure;

/// <summary>A running server that speaks Alertmanager's API v2: Guardia or the real Alertmanager.</summary>
public sealed class AlertApiServer : IAsyncDisposable
{
    readonly List<string> _args;
    readonly string _fileName;

    AlertApiServer(string name, string fileName, List<string> args, int port, string storage, string config)
    {
        Name = name;
        _fileName = fileName;
        _args = args;
        Port = port;
        StoragePath = storage;
        ConfigFile = config;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Name { get; }

    public int Port { get; }

    public string StoragePath { get; }

    public string ConfigFile { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public HttpClient Http { get; }

    public ExternalProcess? Process { get; private set; }

    public const string DefaultConfig = "route:\n  receiver: default\nreceivers:\n  - name: default\n";

    /// <summary>Starts <c>guardia serve</c> on a free loopback port with a fresh storage directory.</summary>
    public static Task<AlertApiServer> StartGuardiaAsync(string? config = null, string? storage = null, params string[] extraArgs)
    {
        var port = LoopbackPorts.Next();
        storage ??= Directory.CreateTempSubdirectory("guardia-it-").FullName;
        var configFile = WriteConfig(storage, config ?? DefaultConfig);
        List<string> args = [Binaries.GuardiaDll, "serve", "--web.listen-address", $"127.0.0.1:{port}", "--storage.path", storage, "--config.file", configFile, .. extraArgs];
        return StartAsync(new AlertApiServer("guardia", "dotnet", args, port, storage, configFile));
    }

    /// <summary>Starts the real Alertmanager on a free loopback port, clustering off.</summary>
    public static Task<AlertApiServer> StartAlertmanagerAsync(string? config = null, params string[] extraArgs)
    {
        var port = LoopbackPorts.Next();
        var storage = Directory.CreateTempSubdirectory("alertmanager-it-").FullName;
        var configFile = WriteConfig(storage, config ?? DefaultConfig);
        List<string> args = ["--config.file", configFile, "--storage.path", storage, "--web.listen-address", $"127.0.0.1:{port}", "--cluster.listen-address=", .. extraArgs];
        return StartAsync(new AlertApiServer("alertmanager", Binaries.Alertmanager, args, port, storage, configFile));
    }

    static string WriteConfig(string dir, string yaml)
    {
        var path = Path.Combine(dir, $"config-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, yaml);
        return path;
    }

    static async Task<AlertApiServer> StartAsync(AlertApiServer server)
    {
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the process (again) on the same port and storage and waits until it is ready.</summary>
    public async Task RestartAsync()
    {
        Process = ExternalProcess.Start(_fileName, _args);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited during start:\n{Process.Output}");
            }
            try
            {
                using var r = await Http.GetAsync("/-/ready");
                if (r.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{Name} was not ready within 60 s:\n{Process.Output}");
    }

    public async Task<HttpResponseMessage> PostAlertsAsync(string json) =>
        await Http.PostAsync("/api/v2/alerts", new StringContent(json, Encoding.UTF8, "application/json"));

    public async Task<JsonElement> GetAlertsAsync(string query = "")
    {
        using var r = await Http.GetAsync("/api/v2/alerts" + query);
        r.EnsureSuccessStatusCode();
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async ValueTask DisposeAsync()
    {
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }
        Http.Dispose();
        try
        {
            Directory.Delete(StoragePath, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
