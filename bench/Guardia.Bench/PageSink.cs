using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Guardia.Bench;

/// <summary>
/// One page as the sink received it: the wall-clock instant its request reached the handler (before the body
/// was read; the server under test runs on the same machine and clock), the incident id and the escalation
/// level (1-based) from Guardia's webhook page payload.
/// </summary>
sealed record PageArrival(DateTimeOffset ArrivedAt, string Incident, int Level);

/// <summary>
/// The webhook contact method of the incidents scenario's only user: Kestrel on 127.0.0.1 and a kernel-chosen
/// port. It parses each body as Guardia's page payload (<c>kind</c> "page", <c>incident</c>, <c>level</c>),
/// keeps the first arrival per incident and level, and always answers 200 so that no retry skews the figures;
/// anything else (a reminder, a malformed body, a second page for the same level) is counted and reported.
/// </summary>
sealed class PageSink : IAsyncDisposable
{
    const string Path = "/bench-page";

    readonly WebApplication _app;
    readonly ConcurrentDictionary<(string Incident, int Level), PageArrival> _first = new();
    readonly int[] _levelCounts = new int[8];
    int _pages;
    int _duplicates;
    int _malformed;
    string? _firstMalformed;

    PageSink(WebApplication app) => _app = app;

    /// <summary>The URL to put in the user's webhook contact method.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Requests received so far, well-formed or not.</summary>
    public int Pages => Volatile.Read(ref _pages);

    /// <summary>Second and later pages for an incident and level already paged.</summary>
    public int Duplicates => Volatile.Read(ref _duplicates);

    /// <summary>Bodies that were not a page payload.</summary>
    public int Malformed => Volatile.Read(ref _malformed);

    /// <summary>What was wrong with the first malformed body, if any.</summary>
    public string? FirstMalformed => Volatile.Read(ref _firstMalformed);

    /// <summary>The first page of <paramref name="incident"/> at <paramref name="level"/>, or null.</summary>
    public PageArrival? First(string incident, int level) => _first.TryGetValue((incident, level), out var p) ? p : null;

    /// <summary>Every first page at <paramref name="level"/> received so far.</summary>
    public List<PageArrival> AtLevel(int level) => [.. _first.Values.Where(p => p.Level == level)];

    /// <summary>How many incidents have had a page at <paramref name="level"/> (1 to 7), without locking the sink.</summary>
    public int CountAtLevel(int level) => Volatile.Read(ref _levelCounts[level]);

    /// <summary>Starts listening.</summary>
    public static async Task<PageSink> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        var sink = new PageSink(app);
        app.Run(sink.HandleAsync);
        await app.StartAsync(ct);
        var address = app.Urls.FirstOrDefault() ?? throw new BenchException("The page sink started but reports no address.");
        sink.Url = new Uri(new Uri(address), Path);
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Connections the server under test kept open are cut when the app is disposed below.
        }
        await _app.DisposeAsync();
    }

    async Task HandleAsync(HttpContext context)
    {
        // Taken first: the figure is "when the page reached us", not "when we finished reading it".
        var arrival = TimeProvider.System.GetUtcNow();
        Interlocked.Increment(ref _pages);
        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != Path)
        {
            Bad($"{context.Request.Method} {context.Request.Path}: expected POST {Path}");
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var page = Parse(arrival, new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length), out var problem);
        if (page is null)
        {
            Bad(problem!);
        }
        else if (!_first.TryAdd((page.Incident, page.Level), page))
        {
            Interlocked.Increment(ref _duplicates);
        }
        else if (page.Level is >= 1 and < 8)
        {
            Interlocked.Increment(ref _levelCounts[page.Level]);
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    void Bad(string problem)
    {
        Interlocked.Increment(ref _malformed);
        Interlocked.CompareExchange(ref _firstMalformed, problem, null);
    }

    static PageArrival? Parse(DateTimeOffset arrival, ReadOnlyMemory<byte> body, out string? problem)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = $"page body is a JSON {root.ValueKind}, not an object";
                return null;
            }
            if (!root.TryGetProperty("kind", out var kind) || !kind.ValueEquals("page"))
            {
                problem = $"body has \"kind\" {(root.TryGetProperty("kind", out var k) ? k.ToString() : "(none)")}, expected \"page\"";
                return null;
            }
            if (!root.TryGetProperty("incident", out var incident) || incident.ValueKind != JsonValueKind.String)
            {
                problem = "page payload has no string \"incident\"";
                return null;
            }
            if (!root.TryGetProperty("level", out var level) || level.ValueKind != JsonValueKind.Number || !level.TryGetInt32(out var number))
            {
                problem = "page payload has no integer \"level\"";
                return null;
            }
            problem = null;
            return new PageArrival(arrival, incident.GetString()!, number);
        }
        catch (JsonException e)
        {
            problem = $"page body is not JSON: {e.Message}";
            return null;
        }
    }
}
