using System.Net;
using System.Net.Sockets;

namespace Guardia.Testing;

/// <summary>
/// TCP ports on 127.0.0.1 for test servers and peers (Prometheus, Alertmanager, PostgreSQL, sinks).
/// Ports come from below Linux's ephemeral range (32768–60999): a port the kernel hands out for port 0 can be taken
/// by any outgoing connection between choosing it and binding it, which made listeners fail now and then with
/// "Address already in use". Below that range only another listener can take it, and each process walks the range
/// from its own random start, so two test processes rarely meet; <see cref="StartHttpListener"/> still retries.
/// </summary>
static class LoopbackPorts
{
    const int First = 20_000;
    const int Count = 12_000;
    static int _cursor = Random.Shared.Next(Count);

    /// <summary>A port nobody listens on at the time of the call.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _cursor) % Count);
            if (CanBind(port))
            {
                return port;
            }
        }
        throw new InvalidOperationException($"No free port on 127.0.0.1 between {First} and {First + Count - 1}.");
    }

    /// <summary>A started <see cref="HttpListener"/> on http://127.0.0.1:port/, trying another port when one is taken.</summary>
    public static HttpListener StartHttpListener(out int port)
    {
        HttpListenerException? last = null;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            port = Next();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return listener;
            }
            catch (HttpListenerException ex)
            {
                last = ex;
                listener.Close();
            }
        }
        throw new InvalidOperationException("Could not start an HTTP listener on 127.0.0.1 after 20 ports.", last);
    }

    static bool CanBind(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
