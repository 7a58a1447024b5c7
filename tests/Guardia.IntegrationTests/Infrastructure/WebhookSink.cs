using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Guardia.IntegrationTests.Infrastructure;

/// <summary>An HTTP server on 127.0.0.1 that records every webhook message it receives, by path.</summary>
public sealed class WebhookSink : IAsyncDisposable
{
    readonly HttpListener _listener;
    readonly Task _loop;
    readonly ConcurrentQueue<Received> _received = new();

    /// <summary>One message: the path it was posted to (the receiver), its body, and when it arrived.</summary>
    public sealed record Received(string Path, JsonElement Body, long Timestamp, string? Authorization);

    public WebhookSink()
    {
        _listener = LoopbackPorts.StartHttpListener(out var port);
        Port = port;
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Status code answered; 200 unless a test wants failures.</summary>
    public int StatusCode { get; set; } = 200;

    public IReadOnlyList<Received> Messages => [.. _received];

    public long LastReceivedAt { get; private set; }

    async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    using var doc = await JsonDocument.ParseAsync(ctx.Request.InputStream);
                    var status = StatusCode;
                    ctx.Response.StatusCode = status;
                    ctx.Response.Close();
                    // Recorded once answered: a sender killed before reading the answer cannot know it was delivered.
                    var now = Stopwatch.GetTimestamp();
                    LastReceivedAt = now;
                    if (status == 200)
                    {
                        _received.Enqueue(new Received(ctx.Request.Url!.AbsolutePath.Trim('/'), doc.RootElement.Clone(), now, ctx.Request.Headers["Authorization"]));
                    }
                }
                catch (Exception ex) when (ex is HttpListenerException or JsonException or IOException)
                {
                    // The sender went away mid-request.
                }
            });
        }
    }

    /// <summary>Waits until no message arrived for <paramref name="quiet"/>, at most <paramref name="max"/>.</summary>
    public async Task WaitQuietAsync(TimeSpan quiet, TimeSpan max)
    {
        var start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < max)
        {
            var last = LastReceivedAt == 0 ? start : LastReceivedAt;
            if (Stopwatch.GetElapsedTime(last) >= quiet)
            {
                return;
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone: Stop then Close makes HttpListener bind the port again to remove its prefix, which fails
        // ("Address already in use") once another test took the port.
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
