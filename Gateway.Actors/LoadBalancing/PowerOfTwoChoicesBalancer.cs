using Gateway.Actors.Upstreams;

namespace Gateway.Actors.LoadBalancing;

/// <summary>Two distinct endpoints at random; the one with fewer requests in flight from this node wins.</summary>
public sealed class PowerOfTwoChoicesBalancer : ILoadBalancer
{
    /// <inheritdoc />
    public EndpointState? Pick(EndpointState[] endpoints)
    {
        switch (endpoints.Length)
        {
            case 0: return null;
            case 1: return endpoints[0];
        }
        var random = Random.Shared;
        var first = random.Next(endpoints.Length);
        var second = random.Next(endpoints.Length - 1);
        if (second >= first) second++;
        var a = endpoints[first];
        var b = endpoints[second];
        return b.InFlight < a.InFlight ? b : a;
    }
}
