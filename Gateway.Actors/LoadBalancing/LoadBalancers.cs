using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.LoadBalancing;

/// <summary>Creates the balancer for a load-balancing mode.</summary>
internal static class LoadBalancers
{
    /// <summary>A new balancer for endpoints with <paramref name="weights"/>.</summary>
    public static ILoadBalancer Create(LoadBalancingMode mode, IReadOnlyList<int> weights) => mode switch
    {
        LoadBalancingMode.RoundRobin => new RoundRobinBalancer(),
        LoadBalancingMode.Weighted => new WeightedBalancer(weights),
        LoadBalancingMode.PowerOfTwoChoices => new PowerOfTwoChoicesBalancer(),
        LoadBalancingMode.ConsistentHash => throw new ArgumentException("consistent-hash needs the endpoint URLs: use the overload that takes them", nameof(mode)),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>A new balancer for endpoints with these <paramref name="urls"/> and <paramref name="weights"/> (a consistent-hash ring is built from the URLs).</summary>
    public static ILoadBalancer Create(LoadBalancingMode mode, IReadOnlyList<string> urls, IReadOnlyList<int> weights) =>
        mode == LoadBalancingMode.ConsistentHash ? new ConsistentHashBalancer(urls, weights) : Create(mode, weights);
}
