using Gateway.Actors.LoadBalancing;
using Gateway.Actors.Upstreams;
using Xunit;

namespace Gateway.Tests.Actors.Upstreams;

public sealed class EndpointStateTests
{
    [Fact]
    public void RecordFailure_AtThreshold_TripsOnceAndSignalsOnce()
    {
        var endpoint = new EndpointState("http://a", 1);
        var signals = new List<EndpointSignal>();
        endpoint.SetObserver(signals.Add);
        for (var i = 0; i < 4; i++) endpoint.RecordFailure(threshold: 5);
        Assert.Equal(BreakerState.Closed, endpoint.State);
        endpoint.RecordFailure(5);
        endpoint.RecordFailure(5);
        Assert.Equal(BreakerState.Open, endpoint.State);
        Assert.Equal([EndpointSignal.Tripped], signals);
        Assert.False(endpoint.IsAvailable);
        Assert.False(endpoint.TryAcquire());
    }

    [Fact]
    public void RecordSuccess_ResetsTheConsecutiveCount()
    {
        var endpoint = new EndpointState("http://a", 1);
        for (var i = 0; i < 4; i++) endpoint.RecordFailure(5);
        endpoint.RecordSuccess();
        for (var i = 0; i < 4; i++) endpoint.RecordFailure(5);
        Assert.Equal(BreakerState.Closed, endpoint.State);
    }

    [Fact]
    public void HalfOpen_AllowsOnlyTheTrials_AndAFailedTrialReopens()
    {
        var endpoint = new EndpointState("http://a", 1);
        endpoint.Trip();
        endpoint.ToHalfOpen(trials: 2);
        Assert.True(endpoint.TryAcquire());
        Assert.True(endpoint.TryAcquire());
        Assert.False(endpoint.TryAcquire());
        Assert.False(endpoint.IsAvailable);
        endpoint.RecordFailure(threshold: 100);
        Assert.Equal(BreakerState.Open, endpoint.State);
    }

    [Fact]
    public void Unhealthy_IsNotAvailable_EvenWhenClosed()
    {
        var endpoint = new EndpointState("http://a", 1);
        endpoint.SetHealthy(false);
        Assert.False(endpoint.TryAcquire());
        Assert.Null(new RoundRobinBalancer().Pick([endpoint]));
    }

    [Fact]
    public void Balancers_SkipOpenEndpointsAndTheExcludedOne()
    {
        var a = new EndpointState("http://a", 1);
        var b = new EndpointState("http://b", 1);
        var c = new EndpointState("http://c", 1);
        b.Trip();
        EndpointState[] all = [a, b, c];
        foreach (var balancer in new ILoadBalancer[] { new RoundRobinBalancer(), new WeightedBalancer([1, 1, 1]), new PowerOfTwoChoicesBalancer() })
        {
            var picks = Enumerable.Range(0, 60).Select(_ => balancer.Pick(all)).ToList();
            Assert.DoesNotContain(b, picks);
            Assert.Contains(a, picks);
            Assert.Contains(c, picks);
            Assert.All(Enumerable.Range(0, 20), _ => Assert.Same(c, balancer.Pick(all, exclude: a)));
        }
    }

    [Fact]
    public void EjectionFor_DoublesPerTripUpToTheMax()
    {
        var policy = new BreakerPolicy(5, 0.5, 20, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), 3);
        Assert.Equal([5, 10, 20, 30, 30], Enumerable.Range(1, 5).Select(t => policy.EjectionFor(t).TotalSeconds));
    }

    [Fact]
    public void RetryBudget_AllowsTheShareOfRequestsWithAFloor()
    {
        var budget = new RetryBudget(ratio: 0.2, minPerSecond: 1);
        for (var i = 0; i < 50; i++) budget.OnRequest();
        var granted = Enumerable.Range(0, 30).Count(_ => budget.TryRetry());
        // Within one second: 20% of 50 = 10 (a second boundary in between would only reset to the floor).
        Assert.InRange(granted, 1, 10);

        var idle = new RetryBudget(ratio: 0.2, minPerSecond: 2);
        Assert.InRange(Enumerable.Range(0, 10).Count(_ => idle.TryRetry()), 2, 4);
    }
}
