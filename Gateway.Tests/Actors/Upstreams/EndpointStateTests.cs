using Gateway.Actors.LoadBalancing;
using Gateway.Actors.Upstreams;
using Xunit;

namespace Gateway.Tests.Actors.Upstreams;

public sealed class EndpointStateTests
{
    private static readonly BreakerPolicy Policy = new(5, 0.5, 20, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), 2);

    /// <summary>Sends one request through <paramref name="endpoint"/> as the forwarder does: acquire, enter, exit with an outcome.</summary>
    internal static void Send(EndpointState endpoint, EndpointOutcome outcome)
    {
        Assert.True(endpoint.TryAcquire(out var ticket), $"{endpoint} refused a request in state {endpoint.State}");
        endpoint.Enter();
        endpoint.Exit(ticket, outcome);
    }

    [Fact]
    public void Failures_AtThreshold_TripOnceAndSignalOnce()
    {
        var endpoint = new EndpointState("http://a", 1, Policy);
        var signals = new List<EndpointTransition>();
        endpoint.Observe(signals.Add);
        for (var i = 0; i < 4; i++) Send(endpoint, EndpointOutcome.Failed);
        Assert.Equal(BreakerState.Closed, endpoint.State);
        // Two requests in flight when the fifth failure trips: the sixth failure is no second trip.
        Assert.True(endpoint.TryAcquire(out var fifth));
        Assert.True(endpoint.TryAcquire(out var sixth));
        endpoint.Enter();
        endpoint.Enter();
        endpoint.Exit(fifth, EndpointOutcome.Failed);
        endpoint.Exit(sixth, EndpointOutcome.Failed);
        Assert.Equal(BreakerState.Open, endpoint.State);
        var signal = Assert.Single(signals);
        Assert.Equal(BreakerState.Open, signal.Step.State.State);
        Assert.Equal(TimeSpan.FromSeconds(5), signal.Step.OpenFor);
        Assert.True(signal.Step.Announce);
        Assert.False(endpoint.IsAvailable);
        Assert.False(endpoint.TryAcquire(out _));
        Assert.Equal(0, endpoint.InFlight);
    }

    [Fact]
    public void Success_ResetsTheConsecutiveCount()
    {
        var endpoint = new EndpointState("http://a", 1, Policy);
        for (var i = 0; i < 4; i++) Send(endpoint, EndpointOutcome.Failed);
        Send(endpoint, EndpointOutcome.Succeeded);
        for (var i = 0; i < 4; i++) Send(endpoint, EndpointOutcome.Failed);
        Send(endpoint, EndpointOutcome.Abandoned);
        Assert.Equal(BreakerState.Closed, endpoint.State);
    }

    [Fact]
    public void HalfOpen_TakesTrialTokensWhenRequestsStart_AndAFailedTrialReopens()
    {
        var endpoint = new EndpointState("http://a", 1, Policy);
        endpoint.Trip();
        endpoint.Apply(new BreakerEvent.EjectionOver(endpoint.Breaker.Epoch));
        Assert.True(endpoint.TryAcquire(out var first));
        Assert.True(endpoint.TryAcquire(out var second));
        Assert.True(first.Trial && second.Trial);
        Assert.False(endpoint.TryAcquire(out _)); // both trials are in flight: no third
        Assert.False(endpoint.IsAvailable);
        endpoint.Enter();
        endpoint.Exit(first, EndpointOutcome.Failed);
        Assert.Equal(BreakerState.Open, endpoint.State);
        Assert.Equal(2, endpoint.Trips);
    }

    [Fact]
    public void RequestsSentBeforeTheTrip_DoNotCountAsTrials()
    {
        var endpoint = new EndpointState("http://a", 1, Policy);
        // Ten requests leave while closed; the endpoint trips (another node's ejection) and half-opens before they end.
        var early = Enumerable.Range(0, 10).Select(_ =>
        {
            Assert.True(endpoint.TryAcquire(out var ticket));
            endpoint.Enter();
            return ticket;
        }).ToList();
        endpoint.Trip();
        endpoint.Apply(new BreakerEvent.EjectionOver(endpoint.Breaker.Epoch));
        Assert.Equal(BreakerState.HalfOpen, endpoint.State);

        foreach (var ticket in early) endpoint.Exit(ticket, EndpointOutcome.Succeeded);
        Assert.Equal(BreakerState.HalfOpen, endpoint.State); // not closed by requests that were never trials
        Assert.True(endpoint.IsAvailable); // and the trials are still there to take

        var failedEarly = new EndpointState("http://b", 1, Policy);
        Assert.True(failedEarly.TryAcquire(out var old));
        failedEarly.Enter();
        failedEarly.Trip();
        failedEarly.Apply(new BreakerEvent.EjectionOver(failedEarly.Breaker.Epoch));
        failedEarly.Exit(old, EndpointOutcome.Failed);
        Assert.Equal(BreakerState.HalfOpen, failedEarly.State); // a pre-trip failure does not reopen a half-open endpoint
        Assert.Equal(1, failedEarly.Trips);
    }

    [Fact]
    public void RemoteTrip_OfAnOpenEndpoint_IsIdempotent()
    {
        var endpoint = new EndpointState("http://a", 1, Policy);
        var signals = new List<EndpointTransition>();
        endpoint.Observe(signals.Add);
        for (var i = 0; i < 5; i++) Send(endpoint, EndpointOutcome.Failed);
        endpoint.Trip();
        endpoint.Trip();
        Assert.Equal(1, endpoint.Trips);
        Assert.Single(signals);
    }

    [Fact]
    public void StopObserving_AnOlderGeneration_KeepsTheNewObserver()
    {
        var endpoint = new EndpointState("http://a", 1, Policy);
        var old = endpoint.Observe(_ => { });
        var seen = new List<EndpointTransition>();
        endpoint.Observe(seen.Add);
        endpoint.StopObserving(old); // the replaced actor's late PostStop
        Assert.True(endpoint.IsObserved);
        endpoint.Trip();
        Assert.Single(seen);
    }

    [Fact]
    public void Unhealthy_IsNotAvailable_EvenWhenClosed()
    {
        var endpoint = new EndpointState("http://a", 1);
        endpoint.SetHealthy(false);
        Assert.False(endpoint.TryAcquire(out _));
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
