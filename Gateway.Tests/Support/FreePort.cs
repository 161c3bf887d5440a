using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Support;

/// <summary>Picks free TCP ports on 127.0.0.1 for servers the tests start.</summary>
public static class FreePort
{
    // Ports handed out by this process: the OS may give a just-closed ephemeral port again at once, and a gateway
    // given the same port for two listeners (or two tests given one port) would fail to start.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> Issued = new();

    /// <summary>
    /// A port that was free a moment ago and that no other caller in this process was given: below the ephemeral range,
    /// like <see cref="NextStable"/>, because an ephemeral port picked here may go to any outgoing connection of the
    /// busy test process before the server binds it (seen as "Address already in use" in full-suite runs).
    /// </summary>
    public static int Next() => NextStable();

    /// <summary>
    /// A free port below Linux's ephemeral range (32768+), for a server that is stopped and started again on the same
    /// port, and for every port handed to a child process: an ephemeral port freed meanwhile may be handed to any other
    /// socket on the machine (Akka's own port-0 binds included) before the child binds it. Never the same port twice per run.
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
                if (Issued.TryAdd(port, 0)) return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free port found in 20000-32000");
    }
}
