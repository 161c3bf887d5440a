using Gateway.Actors.Upstreams;

namespace Gateway.Actors.LoadBalancing;

/// <summary>Two distinct endpoints at random; the one with fewer requests in flight from this node wins.</summary>
internal sealed class PowerOfTwoChoicesBalancer : ILoadBalancer
{
    /// <inheritdoc />
    public EndpointState? Pick(EndpointState[] endpoints, EndpointState? exclude = null)
    {
        switch (endpoints.Length)
        {
            case 0: return null;
            case 1: return Eligible.Is(endpoints[0], exclude) ? endpoints[0] : null;
        }
        var random = Random.Shared;
        var first = random.Next(endpoints.Length);
        var second = random.Next(endpoints.Length - 1);
        if (second >= first) second++;
        var a = endpoints[first];
        var b = endpoints[second];
        var aOk = Eligible.Is(a, exclude);
        var bOk = Eligible.Is(b, exclude);
        if (aOk && bOk) return b.InFlight < a.InFlight ? b : a;
        if (aOk) return a;
        if (bOk) return b;
        return Eligible.ScanFrom(endpoints, second + 1, exclude);
    }
}
