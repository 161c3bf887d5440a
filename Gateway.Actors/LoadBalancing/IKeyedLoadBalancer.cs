using Gateway.Actors.Upstreams;

namespace Gateway.Actors.LoadBalancing;

/// <summary>A balancer that can place a request by the hash of its key, so the same key reaches the same endpoint.</summary>
internal interface IKeyedLoadBalancer : ILoadBalancer
{
    /// <summary>The endpoint for a request whose key hashes to <paramref name="keyHash"/> (see <see cref="StableHash"/>); null when none is available.</summary>
    EndpointState? Pick(EndpointState[] endpoints, ulong keyHash, EndpointState? exclude = null);
}
