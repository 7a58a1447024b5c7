using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Guardia.Bench;

/// <summary>When a request reached a sink's handler, before its body was read: a Stopwatch timestamp and the
/// wall-clock instant (the server under test runs on the same machine and clock).</summary>
readonly record struct Arrival(long Timestamp, DateTimeOffset At);

/// <summary>
/// An HTTP endpoint the server under test posts JSON to: Kestrel on 127.0.0.1 and a kernel-chosen port (the socket
/// stays bound, so no other process can take it). Each POST to <see cref="Url"/> is read whole and handed to
/// <see cref="Accept"/>; the sink always answers 200 so that no retry of the server skews what is measured. A body
/// that <see cref="Accept"/> refuses, or a request elsewhere, is counted and its first problem kept for the report.
/// </summary>
abstract class LoopbackSink : IAsyncDisposable
{
    readonly string _path;
    WebApplication? _app;
    int _requests;
    int _malformed;
    string? _firstMalformed;

    protected LoopbackSink(string path) => _path = path;

    /// <summary>The URL the server under test posts to.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Requests received so far, well-formed or not, wherever they went.</summary>
    protected int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests that were not what the sink expects.</summary>
    public int Malformed => Volatile.Read(ref _malformed);

    /// <summary>What was wrong with the first malformed request, if any.</summary>
    public string? FirstMalformed => Volatile.Read(ref _firstMalformed);

    /// <summary>Takes one body; returns what is wrong with it, or null when it is what the sink expects. Runs on the
    /// request's thread, concurrently with other requests.</summary>
    protected abstract string? Accept(Arrival arrival, ReadOnlyMemory<byte> body);

    /// <summary>Starts <paramref name="sink"/> listening.</summary>
    protected static async Task<T> StartAsync<T>(T sink, CancellationToken ct)
        where T : LoopbackSink
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        sink._app = app;
        app.Run(sink.HandleAsync);
        await app.StartAsync(ct);
        var address = app.Urls.FirstOrDefault() ?? throw new BenchException($"The sink {sink.GetType().Name} started but reports no address.");
        sink.Url = new Uri(new Uri(address), sink._path);
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not { } app)
        {
            return;
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await app.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Connections the server under test kept open are cut when the app is disposed below.
        }
        await app.DisposeAsync();
    }

    async Task HandleAsync(HttpContext context)
    {
        // Taken first: the figure is "when the request reached us", not "when we finished reading it".
        var arrival = new Arrival(Stopwatch.GetTimestamp(), TimeProvider.System.GetUtcNow());
        Interlocked.Increment(ref _requests);
        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != _path)
        {
            Bad($"{context.Request.Method} {context.Request.Path}: expected POST {_path}");
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        using var buffer = new MemoryStream((int)Math.Min(context.Request.ContentLength ?? 4096, 64 << 20));
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (Accept(arrival, new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length)) is { } problem)
        {
            Bad(problem);
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    void Bad(string problem)
    {
        Interlocked.Increment(ref _malformed);
        Interlocked.CompareExchange(ref _firstMalformed, problem, null);
    }
}
