using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Guardia.Integrations.Tests.RunbookActions;

/// <summary>An HttpListener on 127.0.0.1 that records every request and answers from a handler.</summary>
sealed class LoopbackHttpServer : IAsyncDisposable
{
    readonly HttpListener _listener;
    readonly Task _loop;
    readonly Func<Received, (int Status, string Body)> _handler;

    public LoopbackHttpServer(Func<Received, (int Status, string Body)> handler)
    {
        _handler = handler;
        _listener = LoopbackPorts.StartHttpListener(out var port);
        Port = port;
        _loop = Task.Run(LoopAsync);
    }

    public sealed record Received(string Method, string RawUrl, IReadOnlyDictionary<string, string> Headers, string Body);

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<Received> Requests { get; } = new();

    async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var received = new Received(context.Request.HttpMethod, context.Request.RawUrl ?? "", headers, await reader.ReadToEndAsync());
            Requests.Enqueue(received);
            var (status, body) = _handler(received);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone: Stop then Close makes HttpListener bind the port again to remove its prefix, which fails
        // ("Address already in use") once another test took the port.
        _listener.Close();
        await _loop;
    }
}
