using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.LoadBalancing;

/// <summary>Creates the balancer for a load-balancing mode.</summary>
public static class LoadBalancers
{
    /// <summary>A new balancer for endpoints with <paramref name="weights"/>.</summary>
    public static ILoadBalancer Create(LoadBalancingMode mode, IReadOnlyList<int> weights) => mode switch
    {
        LoadBalancingMode.RoundRobin => new RoundRobinBalancer(),
        LoadBalancingMode.Weighted => new WeightedBalancer(weights),
        LoadBalancingMode.PowerOfTwoChoices => new PowerOfTwoChoicesBalancer(),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };
}
