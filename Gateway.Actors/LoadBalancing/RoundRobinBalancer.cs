using Gateway.Actors.Upstreams;

namespace Gateway.Actors.LoadBalancing;

/// <summary>Each endpoint in turn, through one shared atomic counter.</summary>
public sealed class RoundRobinBalancer : ILoadBalancer
{
    private uint _next = uint.MaxValue;

    /// <inheritdoc />
    public EndpointState? Pick(EndpointState[] endpoints) => endpoints.Length switch
    {
        0 => null,
        1 => endpoints[0],
        _ => endpoints[Interlocked.Increment(ref _next) % (uint)endpoints.Length],
    };
}
