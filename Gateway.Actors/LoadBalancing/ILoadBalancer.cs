using Gateway.Actors.Upstreams;

namespace Gateway.Actors.LoadBalancing;

/// <summary>Picks the endpoint for the next request; called concurrently from request threads, so lock-free.</summary>
public interface ILoadBalancer
{
    /// <summary>
    /// The chosen endpoint among the available ones (<see cref="EndpointState.IsAvailable"/>) other than
    /// <paramref name="exclude"/> (the endpoint a retry moves away from), or null when there is none.
    /// </summary>
    EndpointState? Pick(EndpointState[] endpoints, EndpointState? exclude = null);
}
