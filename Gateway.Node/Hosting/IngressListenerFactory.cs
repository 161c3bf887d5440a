using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Gateway.Node.Hosting;

/// <summary>
/// Kestrel's socket transport, with the ingress endpoints' listeners handed to <see cref="IngressConnections"/>: their
/// socket is bound only when the node is ready (before that a client is refused, not answered 404 by an empty route
/// table) and unbound by a drain without stopping the admin port. The warm-up listener is gated the same way, and bound
/// only while the warm-up pass runs.
/// </summary>
/// <remarks>
/// The ingress and warm-up listeners come from <paramref name="proxySockets"/> and complete inline when
/// <paramref name="inlineCompletions"/> is set (<c>gateway.ingress.inline-completions</c>): a transport that parses and runs
/// each request on the thread that read it, over sockets whose reads complete on their event thread. Every other listener
/// (admin, contact point) comes from <paramref name="sockets"/>, Kestrel's defaults.
/// </remarks>
internal sealed class IngressListenerFactory(IConnectionListenerFactory sockets, IConnectionListenerFactory proxySockets, bool inlineCompletions,
    IngressConnections ingress)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is WarmupEndPoint)
        {
            // Bound by the warm-up pass alone, for its duration.
            var warmup = new GatedListener(endpoint, proxySockets, inlineCompletions);
            ingress.WarmupListener = warmup;
            return ValueTask.FromResult<IConnectionListener>(warmup);
        }
        if (!ingress.IsIngress(endpoint)) return sockets.BindAsync(endpoint, cancellationToken);
        var gated = new GatedListener(endpoint, proxySockets, inlineCompletions);
        ingress.Add(gated);
        return ValueTask.FromResult<IConnectionListener>(gated);
    }

    public bool CanBind(EndPoint endpoint) => sockets is not IConnectionListenerFactorySelector selector || selector.CanBind(endpoint);
}
