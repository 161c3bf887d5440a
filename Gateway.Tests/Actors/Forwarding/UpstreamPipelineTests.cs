using Akka.Streams;
using Akka.TestKit.Xunit2;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Routing;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.Actors.Forwarding;

/// <summary>The admission pipeline on a real materializer: in-flight bound, bounded queue, shedding, cancellation.</summary>
public sealed class UpstreamPipelineTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly IMaterializer _materializer;

    public UpstreamPipelineTests() => _materializer = Sys.Materializer();

    [Fact]
    public async Task Admit_UpToMaxInFlight_ThenQueues()
    {
        var pipeline = new UpstreamPipeline(maxInFlight: 2, maxQueued: 10);
        _ = pipeline.Run(_materializer);
        var requests = Enumerable.Range(0, 4).Select(_ => NewRequest()).ToArray();
        foreach (var r in requests) Assert.True(pipeline.TryEnqueue(r));

        Assert.True(await requests[0].WaitForAdmissionAsync(CancellationToken.None).WaitAsync(Wait));
        Assert.True(await requests[1].WaitForAdmissionAsync(CancellationToken.None).WaitAsync(Wait));
        var third = requests[2].WaitForAdmissionAsync(CancellationToken.None);
        await Task.Delay(200);
        Assert.False(third.IsCompleted, "a third request was admitted while two were in flight");

        requests[0].Finish();
        Assert.True(await third.WaitAsync(Wait));
        Assert.False(requests[3].WaitForAdmissionAsync(CancellationToken.None).Wait(200));
    }

    [Fact]
    public async Task TryEnqueue_WhenQueueFull_ReturnsFalse()
    {
        var pipeline = new UpstreamPipeline(maxInFlight: 1, maxQueued: 2);
        _ = pipeline.Run(_materializer);
        var first = NewRequest();
        Assert.True(pipeline.TryEnqueue(first));
        Assert.True(await first.WaitForAdmissionAsync(CancellationToken.None).WaitAsync(Wait));

        Assert.True(pipeline.TryEnqueue(NewRequest()));
        Assert.True(pipeline.TryEnqueue(NewRequest()));
        await AwaitAssertAsync(() => Assert.Equal(2, pipeline.QueueDepth), Wait);
        Assert.False(pipeline.TryEnqueue(NewRequest()));
    }

    [Fact]
    public async Task CancelledWhileQueued_FreesNoSlotItNeverHeld_AndNextRequestRuns()
    {
        var pipeline = new UpstreamPipeline(maxInFlight: 1, maxQueued: 5);
        _ = pipeline.Run(_materializer);
        var running = NewRequest();
        var gone = NewRequest();
        var next = NewRequest();
        pipeline.TryEnqueue(running);
        pipeline.TryEnqueue(gone);
        pipeline.TryEnqueue(next);
        Assert.True(await running.WaitForAdmissionAsync(CancellationToken.None).WaitAsync(Wait));

        using var aborted = new CancellationTokenSource();
        var goneWait = gone.WaitForAdmissionAsync(aborted.Token);
        aborted.Cancel();
        Assert.False(await goneWait.WaitAsync(Wait));

        // The abandoned request must not hold the only slot: once the running one ends, the next one goes.
        running.Finish();
        Assert.True(await next.WaitForAdmissionAsync(CancellationToken.None).WaitAsync(Wait));
    }

    [Fact]
    public async Task Complete_DrainsQueuedRequests_AndRefusesNewOnes()
    {
        var pipeline = new UpstreamPipeline(maxInFlight: 1, maxQueued: 5);
        var done = pipeline.Run(_materializer);
        var a = NewRequest();
        var b = NewRequest();
        pipeline.TryEnqueue(a);
        pipeline.TryEnqueue(b);
        pipeline.Complete();
        Assert.False(pipeline.TryEnqueue(NewRequest()));
        Assert.True(await a.WaitForAdmissionAsync(CancellationToken.None).WaitAsync(Wait));
        a.Finish();
        Assert.True(await b.WaitForAdmissionAsync(CancellationToken.None).WaitAsync(Wait));
        b.Finish();
        await done.WaitAsync(Wait);
    }

    [Fact]
    public async Task TryAdmit_FreeSlotGoesAtOnce_SaturatedQueues_FullQueueSheds()
    {
        var pipeline = new UpstreamPipeline(maxInFlight: 1, maxQueued: 1);
        // A free slot needs no graph: the request is admitted before the pipeline even runs.
        var first = NewRequest();
        Assert.Equal(Admission.Admitted, pipeline.TryAdmit(first));
        Assert.True(first.WaitForAdmissionAsync(CancellationToken.None).IsCompletedSuccessfully);
        _ = pipeline.Run(_materializer);

        var queued = NewRequest();
        Assert.Equal(Admission.Queued, pipeline.TryAdmit(queued));
        Assert.Equal(Admission.Shed, pipeline.TryAdmit(NewRequest()));
        var waiting = queued.WaitForAdmissionAsync(CancellationToken.None);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted, "a queued request was admitted while the only slot was taken");

        first.Finish();
        Assert.True(await waiting.WaitAsync(Wait));
        Assert.Equal(1, pipeline.Admitted);
        // While the queued request holds the slot, a new one never goes past the bound.
        Assert.NotEqual(Admission.Admitted, pipeline.TryAdmit(NewRequest()));
    }

    [Fact]
    public async Task TryAdmit_ConcurrentCallers_NeverMoreInFlightThanTheBound()
    {
        var pipeline = new UpstreamPipeline(maxInFlight: 4, maxQueued: 1000);
        _ = pipeline.Run(_materializer);
        var inFlight = 0;
        var peak = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                var request = NewRequest();
                var admission = pipeline.TryAdmit(request);
                Assert.NotEqual(Admission.Shed, admission);
                Assert.True(await request.WaitForAdmissionAsync(CancellationToken.None).WaitAsync(Wait));
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref peak, now);
                await Task.Yield();
                Interlocked.Decrement(ref inFlight);
                request.Finish();
            }
        })));
        Assert.InRange(peak, 1, 4);
        Assert.Equal(0, pipeline.Admitted);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var prior = Interlocked.CompareExchange(ref target, value, seen);
            if (prior == seen) return;
            seen = prior;
        }
    }

    private static ProxyRequest NewRequest()
    {
        var definition = new RouteDefinition { Id = "r", Path = "/{**rest}", Upstream = "u" };
        var upstream = new UpstreamDefinition { Name = "u", Endpoints = [new EndpointDefinition { Url = "http://127.0.0.1:1" }] };
        var defaults = UpstreamDefaults.FromConfig(Gateway.Actors.GatewayDefaults.Config);
        var runtime = new UpstreamRuntime(upstream, defaults, new HttpMessageInvoker(new SocketsHttpHandler()));
        var route = new CompiledRoute(definition, PathTemplate.Parse(definition.Path), runtime);
        var context = new Gateway.Actors.Chain.RequestContext();
        context.Init(new DefaultHttpContext(), "/", "/", "id", 0);
        return ProxyRequest.Rent(context, new ForwardStep(route.Id, runtime, route.ForwarderConfig, route.RequestHeaders, route.ResponseHeaders, null, null!));
    }
}
