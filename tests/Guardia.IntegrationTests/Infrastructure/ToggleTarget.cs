using System.Net;
using System.Text;

namespace Guardia.IntegrationTests.Infrastructure;

/// <summary>A scrape target on loopback exposing <c>toggle_value</c>, which the test flips.</summary>
public sealed class ToggleTarget : IAsyncDisposable
{
    readonly HttpListener _listener;
    readonly Task _loop;

    public ToggleTarget()
    {
        _listener = LoopbackPorts.StartHttpListener(out var port);
        Port = port;
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    volatile int _value = 1;

    /// <summary>The value the next scrape sees.</summary>
    public int Value
    {
        get => _value;
        set => _value = value;
    }

    async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            var bytes = Encoding.UTF8.GetBytes($"# TYPE toggle_value gauge\ntoggle_value {_value}\n");
            ctx.Response.ContentType = "text/plain; version=0.0.4";
            await ctx.Response.OutputStream.WriteAsync(bytes);
            ctx.Response.Close();
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
