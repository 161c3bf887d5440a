using Gateway.Actors.Upstreams;

namespace Gateway.Actors.LoadBalancing;

/// <summary>Each available endpoint in turn, through one shared atomic counter.</summary>
internal sealed class RoundRobinBalancer : ILoadBalancer
{
    private uint _next = uint.MaxValue;

    /// <inheritdoc />
    public EndpointState? Pick(EndpointState[] endpoints, EndpointState? exclude = null)
    {
        if (endpoints.Length == 0) return null;
        var start = (int)(Interlocked.Increment(ref _next) % (uint)endpoints.Length);
        var first = endpoints[start];
        return Eligible.Is(first, exclude) ? first : Eligible.ScanFrom(endpoints, start + 1, exclude);
    }
}
