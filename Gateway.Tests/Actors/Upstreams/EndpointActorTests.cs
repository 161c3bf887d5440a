using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Gateway.Actors;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Upstreams;
using Xunit;
using static Gateway.Tests.Actors.Upstreams.EndpointStateTests;

namespace Gateway.Tests.Actors.Upstreams;

/// <summary>The breaker's actor side: trip → open → half-open after a backoff → close or reopen longer; edits and remote ejections.</summary>
public sealed class EndpointActorTests() : TestKit(Akka.Configuration.ConfigurationFactory
    .ParseString("akka.remote.dot-netty.tcp.port = 0").WithFallback(GatewayDefaults.Config))
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly UpstreamDefaults Defaults = UpstreamDefaults.FromConfig(GatewayDefaults.Config);

    private static UpstreamDefinition Definition(int baseEjectionMs = 300, int maxRequests = 100) => new()
    {
        Name = "u",
        Endpoints = [new EndpointDefinition { Url = "http://127.0.0.1:1" }, new EndpointDefinition { Url = "http://127.0.0.1:2" }],
        MaxInFlight = maxRequests,
        CircuitBreaker = new CircuitBreakerDefinition
        {
            ConsecutiveFailures = 2, BaseEjection = TimeSpan.FromMilliseconds(baseEjectionMs), MaxEjection = TimeSpan.FromSeconds(5), HalfOpenTrials = 2,
        },
    };

    private static UpstreamRuntime Runtime(UpstreamDefinition? definition = null, UpstreamRuntime? previous = null)
    {
        definition ??= Definition();
        return new UpstreamRuntime(definition, Defaults, previous?.Client ?? UpstreamClientFactory.Create(definition, Defaults), previous);
    }

    [Fact]
    public async Task Trip_OpensThenHalfOpens_AndGoodTrialsClose()
    {
        var runtime = Runtime();
        Sys.ActorOf(UpstreamActor.Props(runtime), "u1");
        var endpoint = runtime.Endpoints[0];
        await AwaitAssertAsync(() => Assert.True(endpoint.IsObserved), Wait);

        Send(endpoint, EndpointOutcome.Failed);
        Send(endpoint, EndpointOutcome.Failed);
        Assert.Equal(BreakerState.Open, endpoint.State);
        Assert.Equal(1, endpoint.Trips);
        Assert.True(runtime.Endpoints[1].IsAvailable, "the other endpoint stays in rotation");

        await AwaitAssertAsync(() => Assert.Equal(BreakerState.HalfOpen, endpoint.State), Wait);
        Send(endpoint, EndpointOutcome.Succeeded);
        Send(endpoint, EndpointOutcome.Succeeded);
        Assert.Equal(BreakerState.Closed, endpoint.State);
        Assert.Equal(0, endpoint.Trips);
    }

    [Fact]
    public async Task FailedTrial_Reopens_WithALongerEjection()
    {
        var runtime = Runtime();
        Sys.ActorOf(UpstreamActor.Props(runtime), "u2");
        var endpoint = runtime.Endpoints[0];
        await AwaitAssertAsync(() => Assert.True(endpoint.IsObserved), Wait);
        Send(endpoint, EndpointOutcome.Failed);
        Send(endpoint, EndpointOutcome.Failed);
        await AwaitAssertAsync(() => Assert.Equal(BreakerState.HalfOpen, endpoint.State), Wait);

        Send(endpoint, EndpointOutcome.Failed);
        Assert.Equal(BreakerState.Open, endpoint.State);
        Assert.Equal(2, endpoint.Trips);
        var reopened = Stopwatch.StartNew();
        await AwaitAssertAsync(() => Assert.Equal(BreakerState.HalfOpen, endpoint.State), Wait);
        // Second trip in a row: 600 ms instead of 300 ms.
        Assert.True(reopened.ElapsedMilliseconds >= 550, $"half-open after {reopened.ElapsedMilliseconds} ms");
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

        await AwaitAssertAsync(() => Assert.Equal(BreakerState.HalfOpen, endpoint.State), Wait);
        Assert.Equal(1, endpoint.Trips);
    }

    [Fact]
    public async Task EjectionFromAnotherNode_OfAnOpenEndpoint_NeitherCountsATripNorRearmsTheTimer()
    {
        var runtime = Runtime(Definition(baseEjectionMs: 1500));
        var upstream = Sys.ActorOf(UpstreamActor.Props(runtime), "u4");
        var endpoint = runtime.Endpoints[0];
        await AwaitAssertAsync(() => Assert.True(endpoint.IsObserved), Wait);
        Send(endpoint, EndpointOutcome.Failed);
        Send(endpoint, EndpointOutcome.Failed);
        var tripped = Stopwatch.StartNew();

        await Task.Delay(700);
        Assert.Equal(BreakerState.Open, endpoint.State);
        for (var i = 0; i < 3; i++)
            upstream.Tell(new EndpointEjected("u", endpoint.DestinationPrefix, TimeSpan.FromSeconds(3), $"akka.tcp://gateway@10.9.9.{i}:4053", DateTime.UtcNow));

        await AwaitAssertAsync(() => Assert.Equal(BreakerState.HalfOpen, endpoint.State), Wait);
        Assert.Equal(1, endpoint.Trips);
        // Re-armed by the ejections it would half-open 700 ms + 3 s (doubled) after the trip; it keeps its own 1.5 s.
        Assert.True(tripped.ElapsedMilliseconds < 3200, $"half-open after {tripped.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task EditingTheUpstreamWhileAnEndpointFails_KeepsItsBreakerWorking()
    {
        var runtime = Runtime();
        var upstream = Sys.ActorOf(UpstreamActor.Props(runtime), "u5");
        var endpoint = runtime.Endpoints[0];
        await AwaitAssertAsync(() => Assert.True(endpoint.IsObserved), Wait);
        Send(endpoint, EndpointOutcome.Failed);
        Send(endpoint, EndpointOutcome.Failed);

        // Edits land while the endpoint is open and failing: each keeps its state (same URL and weight).
        for (var i = 0; i < 5; i++)
        {
            runtime = Runtime(Definition(maxRequests: 100 + i), runtime);
            Assert.Same(endpoint, runtime.Endpoints[0]);
            upstream.Tell(new AttachRuntime(runtime));
        }

        await AwaitAssertAsync(() => Assert.Equal(BreakerState.HalfOpen, endpoint.State), Wait);
        Assert.True(endpoint.IsObserved, "the endpoint's actor still listens after the edits");
        Send(endpoint, EndpointOutcome.Failed); // a failed trial: must reach an actor that re-arms half-open
        Assert.Equal(BreakerState.Open, endpoint.State);
        runtime = Runtime(Definition(maxRequests: 200), runtime);
        upstream.Tell(new AttachRuntime(runtime));
        await AwaitAssertAsync(() => Assert.Equal(BreakerState.HalfOpen, endpoint.State), Wait);
        Send(endpoint, EndpointOutcome.Succeeded);
        Send(endpoint, EndpointOutcome.Succeeded);
        Assert.Equal(BreakerState.Closed, endpoint.State);

        // One actor per endpoint throughout (the edits kept both endpoints, so they kept both actors).
        var probe = CreateTestProbe();
        Sys.ActorSelection(upstream.Path / "*").Tell(new Identify(2), probe.Ref);
        var endpointActors = new List<string>();
        while (probe.TryReceiveOne(out var reply, TimeSpan.FromSeconds(1)))
            if (reply.Message is ActorIdentity { Subject: { } child } && child.Path.Name.Contains("127.0.0.1", StringComparison.Ordinal)) endpointActors.Add(child.Path.Name);
        Assert.Equal(2, endpointActors.Count);
        Assert.All(endpointActors, name => Assert.True(name.EndsWith("~1", StringComparison.Ordinal) || name.EndsWith("~2", StringComparison.Ordinal), name));
    }
}
