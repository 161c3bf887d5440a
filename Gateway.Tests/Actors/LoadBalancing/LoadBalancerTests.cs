using Gateway.Actors.LoadBalancing;
using Gateway.Actors.Upstreams;
using Xunit;

namespace Gateway.Tests.Actors.LoadBalancing;

public sealed class LoadBalancerTests
{
    private static EndpointState[] Endpoints(params int[] weights) =>
        weights.Select((w, i) => new EndpointState($"http://10.0.0.{i}:80", w)).ToArray();

    [Fact]
    public void RoundRobin_ThreeEndpoints_EachGetsAThird()
    {
        var endpoints = Endpoints(1, 1, 1);
        var balancer = new RoundRobinBalancer();
        var counts = Enumerable.Range(0, 300).Select(_ => balancer.Pick(endpoints)!).GroupBy(e => e).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(endpoints, e => Assert.Equal(100, counts[e]));
    }

    [Fact]
    public void RoundRobin_Consecutive_PicksDiffer()
    {
        var endpoints = Endpoints(1, 1);
        var balancer = new RoundRobinBalancer();
        Assert.NotSame(balancer.Pick(endpoints), balancer.Pick(endpoints));
    }

    [Fact]
    public void Weighted_Weights3And1_SplitsThreeToOne_Interleaved()
    {
        var endpoints = Endpoints(3, 1);
        var balancer = new WeightedBalancer([3, 1]);
        var picks = Enumerable.Range(0, 400).Select(_ => balancer.Pick(endpoints)!).ToList();
        Assert.Equal(300, picks.Count(p => p == endpoints[0]));
        Assert.Equal(100, picks.Count(p => p == endpoints[1]));
        // Smooth: the light endpoint is never starved for a whole cycle of four.
        for (var i = 0; i + 4 <= picks.Count; i += 4) Assert.Contains(endpoints[1], picks.Skip(i).Take(4));
    }

    [Fact]
    public void PowerOfTwoChoices_PrefersEndpointWithFewerInFlight()
    {
        var endpoints = Endpoints(1, 1);
        for (var i = 0; i < 5; i++) endpoints[0].Enter();
        var balancer = new PowerOfTwoChoicesBalancer();
        Assert.All(Enumerable.Range(0, 50), _ => Assert.Same(endpoints[1], balancer.Pick(endpoints)));
    }

    [Fact]
    public void AnyBalancer_NoEndpoints_ReturnsNull()
    {
        Assert.Null(new RoundRobinBalancer().Pick([]));
        Assert.Null(new WeightedBalancer([]).Pick([]));
        Assert.Null(new PowerOfTwoChoicesBalancer().Pick([]));
    }
}
