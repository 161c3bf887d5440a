using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Gateway.Node.Hosting;

/// <summary>
/// The ingress listeners and open connections of this node. The ingress listens only once the node is ready (until then
/// clients are refused rather than answered 404 by an empty route table), and a drain closes the ingress alone: its
/// listening sockets close (new connections are refused) while the admin port keeps answering <c>/readyz</c>. Open
/// keep-alive connections are not cut while a client may be sending on them: for a grace period every request that
/// arrives on one is answered, with <c>Connection: close</c> (<see cref="IsDraining"/>), and only then are the idle ones
/// closed (<see cref="CloseIdle"/>); busy ones close after their current response. An ingress port of 0 (any free port)
/// is not gated: it listens at once and is closed with the admin port.
/// </summary>
/// <remarks>
/// Kestrel stops all its endpoints together (<c>IServer.StopAsync</c>), so the ingress listeners are taken from a
/// decorator of the socket transport (<see cref="IngressListenerFactory"/>, <see cref="GatedListener"/>) and the connections from a connection
/// middleware on the ingress endpoints (<see cref="Track"/>).
/// </remarks>
public sealed class IngressConnections
{
    private readonly ConcurrentDictionary<string, ConnectionContext> _open = new();
    private readonly ConcurrentBag<GatedListener> _listeners = [];
    private readonly HashSet<int> _ports;
    private int _closing;
    private int _opened;

    /// <summary>Tracks the listeners bound on <paramref name="ports"/> (the ingress and h2c ports).</summary>
    public IngressConnections(IEnumerable<int> ports) => _ports = [.. ports.Where(p => p > 0)];

    /// <summary>Ingress connections open now.</summary>
    public int OpenCount => _open.Count;

    /// <summary>The ingress connections open now.</summary>
    internal IEnumerable<ConnectionContext> Open => _open.Values;

    /// <summary>True for an endpoint on an ingress port.</summary>
    internal bool IsIngress(EndPoint endpoint) => endpoint is IPEndPoint ip && _ports.Contains(ip.Port);

    /// <summary>The warm-up listener, once Kestrel has asked for it (null when the pass is off).</summary>
    internal GatedListener? WarmupListener { get; set; }

    /// <summary>Remembers an ingress listener so <see cref="OpenAsync"/> can bind it and <see cref="CloseListenersAsync"/> unbind it.</summary>
    internal void Add(GatedListener listener) => _listeners.Add(listener);

    /// <summary>True once the drain unbound the listeners: every ingress response then carries <c>Connection: close</c>.</summary>
    public bool IsDraining => Volatile.Read(ref _closing) == 1;

    /// <summary>True once the ingress listeners are bound.</summary>
    public bool IsOpen => Volatile.Read(ref _opened) == 1;

    /// <summary>Binds the ingress listeners: from now on the node takes traffic.</summary>
    /// <exception cref="Exception">A listener could not bind, e.g. its port is taken.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        foreach (var listener in _listeners) await listener.OpenAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _opened, 1);
    }

    /// <summary>Connection middleware for the ingress endpoints: keeps each connection in the open set while it lives.</summary>
    public ConnectionDelegate Track(ConnectionDelegate next) => async connection =>
    {
        // A connection accepted just as the drain began is answered with Connection: close, like the others.
        _open[connection.ConnectionId] = connection;
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            _open.TryRemove(connection.ConnectionId, out _);
        }
    };

    /// <summary>
    /// Begins the drain: unbinds the ingress listeners (new connections are refused); open connections stay, and each
    /// request on them is answered with <c>Connection: close</c> until <see cref="CloseIdle"/>.
    /// </summary>
    public async Task CloseListenersAsync()
    {
        // Unbind first, then ask clients to close: a client told to close before the listen socket was gone could
        // reconnect into the kernel's accept queue and have its next request reset when the socket closed under it.
        // In this order its reconnect is refused before it sends anything.
        foreach (var listener in _listeners) await listener.UnbindAsync().ConfigureAwait(false);
        Volatile.Write(ref _closing, 1);
    }

    /// <summary>Asks every open ingress connection to close gracefully: idle ones now, busy ones after their response.</summary>
    public void CloseIdle()
    {
        foreach (var connection in _open.Values) RequestClose(connection);
    }

    /// <summary>Waits until no ingress connection is open or <paramref name="period"/> passed; returns the count left.</summary>
    public async Task<int> WaitClosedAsync(TimeSpan period, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(period);
        return await WaitClosedAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Waits until no ingress connection is open, polling, at most until <paramref name="cancel"/> fires; returns the count left.</summary>
    public async Task<int> WaitClosedAsync(CancellationToken cancel)
    {
        try
        {
            while (!_open.IsEmpty) await Task.Delay(25, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        return _open.Count;
    }

    /// <summary>Aborts the ingress connections still open (the drain timeout passed).</summary>
    public void AbortAll()
    {
        foreach (var connection in _open.Values) connection.Abort(new ConnectionAbortedException("drain timeout passed"));
    }

    // Kestrel's own graceful close: an idle HTTP/1.1 connection closes now, a busy one after its response (Connection: close),
    // an HTTP/2 one with GOAWAY once its streams finish.
    private static void RequestClose(ConnectionContext connection) =>
        connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
}

/// <summary>
/// The warm-up listener's endpoint, 127.0.0.1 on a free port, told apart from the ingress and admin endpoints by its type;
/// configured in Kestrel only when the warm-up pass is on, and bound only while the pass runs.
/// </summary>
internal sealed class WarmupEndPoint() : IPEndPoint(IPAddress.Loopback, 0);
