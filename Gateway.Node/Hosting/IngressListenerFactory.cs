using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Gateway.Node.Hosting;

/// <summary>
/// Kestrel's socket transport, with the ingress endpoints' listeners handed to <see cref="IngressConnections"/>: their
/// socket is bound only when the node is ready (before that a client is refused, not answered 404 by an empty route
/// table) and unbound by a drain without stopping the admin port. The warm-up listener is gated the same way, and bound
/// only while the warm-up pass runs.
/// </summary>
internal sealed class IngressListenerFactory(IConnectionListenerFactory sockets, IngressConnections ingress)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is WarmupEndPoint)
        {
            // Bound by the warm-up pass alone, for its duration.
            var warmup = new GatedListener(endpoint, sockets);
            ingress.WarmupListener = warmup;
            return ValueTask.FromResult<IConnectionListener>(warmup);
        }
        if (!ingress.IsIngress(endpoint)) return sockets.BindAsync(endpoint, cancellationToken);
        var gated = new GatedListener(endpoint, sockets);
        ingress.Add(gated);
        return ValueTask.FromResult<IConnectionListener>(gated);
    }

    public bool CanBind(EndPoint endpoint) => sockets is not IConnectionListenerFactorySelector selector || selector.CanBind(endpoint);
}
