using Gateway.Actors.Upstreams;

namespace Gateway.Actors.LoadBalancing;

/// <summary>Picks the endpoint for the next request; called concurrently from request threads, so lock-free.</summary>
public interface ILoadBalancer
{
    /// <summary>The chosen endpoint, or null when <paramref name="endpoints"/> is empty.</summary>
    EndpointState? Pick(EndpointState[] endpoints);
}
