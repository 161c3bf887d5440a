using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Support;

/// <summary>Picks free TCP ports on 127.0.0.1 for servers the tests start.</summary>
public static class FreePort
{
    /// <summary>A port that was free a moment ago.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A free port below Linux's ephemeral range (32768+), for a server that is stopped and started again on the same
    /// port: an ephemeral port freed meanwhile may be handed to any other socket on the machine.
    /// </summary>
    public static int NextStable()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free port found in 20000-32000");
    }
}
