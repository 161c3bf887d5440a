using Gateway.Actors.LoadBalancing;
using Gateway.Actors.RateLimiting;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Routing;

namespace Gateway.Actors.Traffic;

/// <summary>A route's split as compiled: its backends with their runtimes, and the sticky key if it has one.</summary>
/// <param name="Backends">The backends, in definition order.</param>
/// <param name="Sticky">Where the sticky key is read; null splits by weight alone.</param>
internal sealed record TrafficPlan(IReadOnlyList<WeightedBackend> Backends, RequestKey? Sticky);

/// <summary>Resolves a route's backends against the node's upstream runtimes when the route table is compiled.</summary>
internal static class TrafficCompiler
{
    /// <summary>The route's split, or null for a route with a single upstream (or with a backend missing, which skips the route).</summary>
    public static TrafficPlan? Plan(RouteDefinition route, IReadOnlyDictionary<string, UpstreamRuntime> runtimes, ClientAddressResolver? clients)
    {
        if (route.Backends.IsDefaultOrEmpty) return null;
        var list = new List<WeightedBackend>(route.Backends.Length);
        foreach (var backend in route.Backends)
        {
            if (!runtimes.TryGetValue(backend.Upstream, out var runtime)) return null;
            list.Add(new WeightedBackend(runtime, backend.Weight));
        }
        return new TrafficPlan(list, route.Sticky is { } sticky ? RequestKey.Parse(sticky.Key, clients) : null);
    }
}
