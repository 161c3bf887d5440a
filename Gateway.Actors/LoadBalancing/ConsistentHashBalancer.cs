using Gateway.Actors.Upstreams;

namespace Gateway.Actors.LoadBalancing;

/// <summary>
/// Consistent hashing: a request's key (the upstream's <c>hash-key</c>) picks its endpoint on a <see cref="ConsistentHashRing"/>;
/// an endpoint that is open, unhealthy or excluded passes its keys to the next endpoint on the ring. Requests without a key
/// are spread round robin.
/// </summary>
internal sealed class ConsistentHashBalancer : IKeyedLoadBalancer
{
    private readonly RoundRobinBalancer _unkeyed = new();

    /// <summary>Builds the ring for endpoints with these URLs and weights (in the order the balancer will be handed them).</summary>
    public ConsistentHashBalancer(IReadOnlyList<string> urls, IReadOnlyList<int> weights) => Ring = new ConsistentHashRing(urls, weights);

    /// <summary>The ring.</summary>
    public ConsistentHashRing Ring { get; }

    /// <inheritdoc />
    public EndpointState? Pick(EndpointState[] endpoints, EndpointState? exclude = null) => _unkeyed.Pick(endpoints, exclude);

    /// <inheritdoc />
    public EndpointState? Pick(EndpointState[] endpoints, ulong keyHash, EndpointState? exclude = null)
    {
        if (endpoints.Length != Ring.Count) return _unkeyed.Pick(endpoints, exclude);
        var index = Ring.Find(keyHash, static (i, s) => Eligible.Is(s.Endpoints[i], s.Exclude), (Endpoints: endpoints, Exclude: exclude));
        return index < 0 ? null : endpoints[index];
    }
}
