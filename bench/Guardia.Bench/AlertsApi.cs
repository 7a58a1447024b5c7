using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Guardia.Bench;

/// <summary>What <c>GET /api/v2/alerts</c> returned, counted by the harness's <c>bench</c> label.</summary>
sealed record AlertCount(int Total, int Load, double Seconds, long ResponseBytes);

/// <summary>The few Alertmanager API v2 calls the harness makes, over pooled loopback connections.</summary>
sealed class AlertsApi : IDisposable
{
    static readonly MediaTypeHeaderValue Json = new("application/json");

    readonly HttpClient _http;

    public AlertsApi(Uri baseAddress, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = connections,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        _http = new HttpClient(handler)
        {
            BaseAddress = baseAddress,
            // Generous: a listing of 100,000 alerts is tens of megabytes; a POST should take milliseconds.
            Timeout = TimeSpan.FromSeconds(120),
        };
    }

    /// <summary>POSTs one pre-serialized batch; returns null on 2xx, else a description of the failure.</summary>
    public async Task<string?> PostAlertsAsync(byte[] body, CancellationToken ct)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        try
        {
            using var response = await _http.PostAsync("api/v2/alerts", content, ct);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }
            var text = await response.Content.ReadAsStringAsync(ct);
            return $"HTTP {(int)response.StatusCode}: {Truncate(text, 300)}";
        }
        catch (HttpRequestException e)
        {
            return $"request failed: {e.Message}";
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"request timed out after {_http.Timeout.TotalSeconds:0} s";
        }
    }

    /// <summary>Lists every alert and counts them; the elapsed time covers the transfer, not the counting.</summary>
    public async Task<AlertCount> CountAlertsAsync(CancellationToken ct)
    {
        var begin = Stopwatch.GetTimestamp();
        using var response = await _http.GetAsync("api/v2/alerts", HttpCompletionOption.ResponseContentRead, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var elapsed = Stopwatch.GetElapsedTime(begin);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchException($"GET /api/v2/alerts answered HTTP {(int)response.StatusCode}: {Truncate(System.Text.Encoding.UTF8.GetString(bytes), 300)}");
        }
        using var doc = JsonDocument.Parse(bytes);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new BenchException($"GET /api/v2/alerts did not return a JSON array but {doc.RootElement.ValueKind}.");
        }
        int total = 0, load = 0;
        foreach (var alert in doc.RootElement.EnumerateArray())
        {
            total++;
            if (alert.TryGetProperty("labels", out var labels)
                && labels.TryGetProperty("bench", out var phase)
                && phase.ValueEquals(Workload.LoadPhase))
            {
                load++;
            }
        }
        return new AlertCount(total, load, elapsed.TotalSeconds, bytes.LongLength);
    }

    /// <summary>The server's version from <c>GET /api/v2/status</c> (versionInfo.version), or null.</summary>
    public async Task<string?> VersionAsync(CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync("api/v2/status", ct);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return doc.RootElement.TryGetProperty("versionInfo", out var info)
                && info.TryGetProperty("version", out var version)
                && version.ValueKind == JsonValueKind.String
                ? version.GetString()
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();

    static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
