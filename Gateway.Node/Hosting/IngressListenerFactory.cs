using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Gateway.Node.Hosting;

/// <summary>
/// Kestrel's socket transport, with the listeners of ingress endpoints handed to <see cref="IngressConnections"/> so a
/// drain can unbind them without stopping the admin port.
/// </summary>
internal sealed class IngressListenerFactory(IConnectionListenerFactory sockets, IngressConnections ingress)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var listener = await sockets.BindAsync(endpoint, cancellationToken).ConfigureAwait(false);
        if (!ingress.IsIngress(endpoint)) return listener;
        var drainable = new OnceUnboundListener(listener);
        ingress.Add(drainable);
        return drainable;
    }

    public bool CanBind(EndPoint endpoint) => sockets is not IConnectionListenerFactorySelector selector || selector.CanBind(endpoint);

    // The drain unbinds first and Kestrel's stop unbinds again: the second is a no-op.
    private sealed class OnceUnboundListener(IConnectionListener inner) : IConnectionListener
    {
        private int _unbound;

        public EndPoint EndPoint => inner.EndPoint;

        public ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default) => inner.AcceptAsync(cancellationToken);

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) =>
            Interlocked.Exchange(ref _unbound, 1) == 0 ? inner.UnbindAsync(cancellationToken) : ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
