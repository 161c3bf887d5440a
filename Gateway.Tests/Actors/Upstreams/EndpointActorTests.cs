using Akka.Actor;
using Akka.TestKit.Xunit2;
using Gateway.Actors;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Upstreams;
using Xunit;

namespace Gateway.Tests.Actors.Upstreams;

/// <summary>The breaker as a supervision tree: trip → open (restart) → half-open after backoff → close or reopen longer.</summary>
public sealed class EndpointActorTests() : TestKit(Akka.Configuration.ConfigurationFactory
    .ParseString("akka.remote.dot-netty.tcp.port = 0").WithFallback(GatewayDefaults.Config))
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private UpstreamRuntime Runtime()
    {
        var definition = new UpstreamDefinition
        {
            Name = "u",
            Endpoints = [new EndpointDefinition { Url = "http://127.0.0.1:1" }, new EndpointDefinition { Url = "http://127.0.0.1:2" }],
            CircuitBreaker = new CircuitBreakerDefinition { ConsecutiveFailures = 2, BaseEjection = TimeSpan.FromMilliseconds(300), MaxEjection = TimeSpan.FromSeconds(5), HalfOpenTrials = 2 },
        };
        var defaults = UpstreamDefaults.FromConfig(GatewayDefaults.Config);
        return new UpstreamRuntime(definition, defaults, UpstreamClientFactory.Create(definition, defaults));
    }

    [Fact]
    public async Task Trip_OpensThenHalfOpens_AndGoodTrialsClose()
    {
        var runtime = Runtime();
        Sys.ActorOf(UpstreamActor.Props(runtime), "u1");
        var endpoint = runtime.Endpoints[0];
        await AwaitAssertAsync(() => Assert.True(endpoint.IsObserved), Wait);

        endpoint.RecordFailure(2);
        endpoint.RecordFailure(2);
        Assert.Equal(BreakerState.Open, endpoint.State);
        await AwaitAssertAsync(() => Assert.Equal(1, endpoint.Trips), Wait);
        Assert.True(runtime.Endpoints[1].IsAvailable, "the other endpoint stays in rotation");

        await AwaitAssertAsync(() => Assert.Equal(BreakerState.HalfOpen, endpoint.State), Wait);
        Assert.True(endpoint.TryAcquire());
        endpoint.RecordSuccess();
        Assert.True(endpoint.TryAcquire());
        endpoint.RecordSuccess();
        await AwaitAssertAsync(() => Assert.Equal(BreakerState.Closed, endpoint.State), Wait);
        Assert.Equal(0, endpoint.Trips);
    }

    [Fact]
    public async Task FailedTrial_Reopens_WithALongerEjection()
    {
        var runtime = Runtime();
        Sys.ActorOf(UpstreamActor.Props(runtime), "u2");
        var endpoint = runtime.Endpoints[0];
        await AwaitAssertAsync(() => Assert.True(endpoint.IsObserved), Wait);
        endpoint.RecordFailure(2);
        endpoint.RecordFailure(2);
        await AwaitAssertAsync(() => Assert.Equal(BreakerState.HalfOpen, endpoint.State), Wait);

        Assert.True(endpoint.TryAcquire());
        endpoint.RecordFailure(2);
        Assert.Equal(BreakerState.Open, endpoint.State);
        await AwaitAssertAsync(() => Assert.Equal(2, endpoint.Trips), Wait);
        var reopened = DateTime.UtcNow;
        await AwaitAssertAsync(() => Assert.Equal(BreakerState.HalfOpen, endpoint.State), Wait);
        // Second trip in a row: 600 ms instead of 300 ms.
        Assert.True(DateTime.UtcNow - reopened >= TimeSpan.FromMilliseconds(450), $"half-open after {(DateTime.UtcNow - reopened).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task EjectionFromAnotherNode_OpensTheEndpointHere()
    {
        var runtime = Runtime();
        var upstream = Sys.ActorOf(UpstreamActor.Props(runtime), "u3");
        var endpoint = runtime.Endpoints[1];
        await AwaitAssertAsync(() => Assert.True(endpoint.IsObserved), Wait);
        upstream.Tell(new EndpointEjected("u", endpoint.DestinationPrefix, TimeSpan.FromSeconds(5), "akka.tcp://gateway@10.9.9.9:4053", DateTime.UtcNow));
        await AwaitAssertAsync(() => Assert.Equal(BreakerState.Open, endpoint.State), Wait);
        Assert.Equal(BreakerState.Closed, runtime.Endpoints[0].State);

        // One trip, not two: the ejection is not counted again here (which would double it and announce it back).
        await AwaitAssertAsync(() => Assert.Equal(BreakerState.HalfOpen, endpoint.State), Wait);
        Assert.Equal(1, endpoint.Trips);
    }
}
