using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Guardia.IntegrationTests.Infrastructure;

/// <summary>An HTTP server on 127.0.0.1 that records every request body and answers with scripted statuses.</summary>
public sealed class HttpSink : IAsyncDisposable
{
    readonly HttpListener _listener;
    readonly ConcurrentQueue<int> _statuses = new();
    readonly ConcurrentDictionary<string, string> _bodies = new(StringComparer.Ordinal);
    readonly List<Recorded> _requests = [];
    readonly SemaphoreSlim _arrived = new(0);
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;

    public sealed record Recorded(string Path, string Body, string? ContentType, string? Authorization = null);

    HttpSink()
    {
        _listener = LoopbackPorts.StartHttpListener(out var port);
        Port = port;
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>When true, requests are read and recorded but never answered.</summary>
    public bool Hang { get; set; }

    public static HttpSink Start() => new();

    /// <summary>Answers 200 requests to paths starting with <paramref name="pathPrefix"/> with this JSON body.</summary>
    public void RespondJson(string pathPrefix, string json) => _bodies[pathPrefix] = json;

    /// <summary>Answers the next requests with these statuses (then 200).</summary>
    public void Script(params int[] statuses)
    {
        foreach (var s in statuses)
        {
            _statuses.Enqueue(s);
        }
    }

    public IReadOnlyList<Recorded> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Waits until a request whose path starts with <paramref name="pathPrefix"/> arrived.</summary>
    public async Task<Recorded> WaitForAsync(string pathPrefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = Requests.FirstOrDefault(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal));
            if (found is not null)
            {
                return found;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"no request to {pathPrefix} within {timeout}; got: {string.Join(", ", Requests.Select(r => r.Path))}");
            }
            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(ctx));
        }
    }

    async Task HandleAsync(HttpListenerContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        lock (_requests)
        {
            _requests.Add(new Recorded(ctx.Request.Url?.AbsolutePath ?? "/", body, ctx.Request.ContentType, ctx.Request.Headers["Authorization"]));
        }
        _arrived.Release();
        if (Hang)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        ctx.Response.StatusCode = _statuses.TryDequeue(out var s) ? s : 200;
        var path = ctx.Request.Url?.AbsolutePath ?? "/";
        var json = _bodies.FirstOrDefault(b => path.StartsWith(b.Key, StringComparison.Ordinal)).Value;
        if (json is not null && ctx.Response.StatusCode == 200)
        {
            ctx.Response.ContentType = "application/json";
        }
        var answer = Encoding.UTF8.GetBytes(json is not null && ctx.Response.StatusCode == 200 ? json : ctx.Response.StatusCode == 200 ? "ok" : "error");
        try
        {
            await ctx.Response.OutputStream.WriteAsync(answer);
            ctx.Response.Close();
        }
        catch (HttpListenerException)
        {
            // The client gave up.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
            // Closed while waiting.
        }
        _stop.Dispose();
    }
}
