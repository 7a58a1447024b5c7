using System.Net;
using System.Net.Sockets;

namespace Guardia.Bench;

/// <summary>Free TCP ports on 127.0.0.1, chosen by the kernel.</summary>
static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
