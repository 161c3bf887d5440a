using System.Net;
using Gateway.Actors;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Gateway.Node.Hosting;

/// <summary>
/// A listener Kestrel accepts from whose socket exists only between <see cref="OpenAsync"/> and <see cref="UnbindAsync"/>:
/// until it opens, Kestrel's accept loop waits and clients are refused; once unbound, the loop ends.
/// </summary>
/// <remarks>With <paramref name="inlineCompletions"/>, each accepted connection's socket completes on its event thread
/// (<see cref="SocketCompletions"/>); <paramref name="sockets"/> is then a transport that schedules inline too.</remarks>
internal sealed class GatedListener(EndPoint endpoint, IConnectionListenerFactory sockets, bool inlineCompletions) : IConnectionListener
{
    private readonly TaskCompletionSource<IConnectionListener?> _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _unbound;

    /// <summary>The configured endpoint (the ingress port is never 0 here, see <see cref="IngressConnections"/>).</summary>
    public EndPoint EndPoint => _gate.Task.IsCompletedSuccessfully && _gate.Task.Result is { } bound ? bound.EndPoint : endpoint;

    /// <summary>Binds the socket; a second call, or one after <see cref="UnbindAsync"/>, does nothing.</summary>
    /// <exception cref="Exception">The transport could not bind, e.g. the port is taken.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (_gate.Task.IsCompleted) return;
        IConnectionListener listener;
        try
        {
            listener = await sockets.BindAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _gate.TrySetResult(null);
            throw;
        }
        if (!_gate.TrySetResult(listener)) await listener.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        var listener = await _gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (listener is null) return null;
        var connection = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
        if (inlineCompletions && connection?.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket) SocketCompletions.PreferInline(socket);
        return connection;
    }

    // The drain unbinds first and Kestrel's stop unbinds again: the second does nothing. Unbound before it opened, it never will.
    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _unbound, 1) == 1) return;
        if (!_gate.TrySetResult(null) && _gate.Task.Result is { } listener) await listener.UnbindAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _gate.TrySetResult(null);
        if (_gate.Task.Result is { } listener) await listener.DisposeAsync().ConfigureAwait(false);
    }
}
