using Akka.Actor;
using Akka.Streams;
using BenchmarkDotNet.Attributes;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Routing;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Microsoft.AspNetCore.Http;

namespace Gateway.Benchmarks.Forwarding;

/// <summary>
/// What the upstream pipeline's hand-off costs per request: 64 concurrent callers each queue a request, wait for
/// admission and finish, through the Akka.Streams pipeline, against a SemaphoreSlim bound and against no bound at all.
/// Times are per request (OperationsPerInvoke), so they compare directly with a proxied request's CPU budget.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AdmissionBenchmarks
{
    private const int Callers = 64;
    private const int PerCaller = 200;
    private ActorSystem _system = null!;
    private UpstreamPipeline _pipeline = null!;
    private SemaphoreSlim _semaphore = null!;
    private CompiledRoute _route = null!;
    private HttpContext _context = null!;
    private ForwardStep _step = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench", "akka.loglevel = WARNING");
        _pipeline = new UpstreamPipeline(maxInFlight: 32, maxQueued: 1024);
        _pipeline.Run(_system.Materializer());
        _semaphore = new SemaphoreSlim(32);
        var upstream = new UpstreamDefinition { Name = "u", Endpoints = [new EndpointDefinition { Url = "http://127.0.0.1:1" }] };
        var defaults = UpstreamDefaults.FromConfig(Gateway.Actors.GatewayDefaults.Config);
        var definition = new RouteDefinition { Id = "r", Path = "/{**rest}", Upstream = "u" };
        _route = new CompiledRoute(definition, PathTemplate.Parse(definition.Path), new UpstreamRuntime(upstream, defaults, new HttpMessageInvoker(new SocketsHttpHandler())));
        _context = new DefaultHttpContext();
        _step = new ForwardStep(_route.Id, _route.Upstream, _route.ForwarderConfig, _route.RequestHeaders, _route.ResponseHeaders, null, null!);
    }

    private ProxyRequest NewRequest()
    {
        var context = new Gateway.Actors.Chain.RequestContext();
        context.Init(_context, "/", "/", "id", 0);
        return ProxyRequest.Rent(context, _step);
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    /// <summary>Admission as the forward step does it: at once on a free slot, else through the Akka.Streams graph; finish.</summary>
    [Benchmark(OperationsPerInvoke = Callers * PerCaller)]
    public Task Pipeline() => Run(async () =>
    {
        var request = NewRequest();
        var admission = _pipeline.TryAdmit(request);
        if (admission == Admission.Shed) throw new InvalidOperationException("shed in benchmark");
        if (admission == Admission.Queued) await request.WaitForAdmissionAsync(CancellationToken.None);
        await Task.Yield();
        request.Finish();
        request.Return();
    });

    /// <summary>Every request through the queue and the Akka.Streams graph (the path before fast admission).</summary>
    [Benchmark(OperationsPerInvoke = Callers * PerCaller)]
    public Task PipelineQueuedOnly() => Run(async () =>
    {
        var request = NewRequest();
        if (!_pipeline.TryEnqueue(request)) throw new InvalidOperationException("shed in benchmark");
        await request.WaitForAdmissionAsync(CancellationToken.None);
        await Task.Yield();
        request.Finish();
        request.Return();
    });

    /// <summary>The same bound with a SemaphoreSlim (no queue limit, no shedding).</summary>
    [Benchmark(OperationsPerInvoke = Callers * PerCaller)]
    public Task Semaphore() => Run(async () =>
    {
        NewRequest().Return();
        await _semaphore.WaitAsync();
        await Task.Yield();
        _semaphore.Release();
    });

    /// <summary>No bound: only the request object and the same one yield (what the work itself costs).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Callers * PerCaller)]
    public Task Unbounded() => Run(async () =>
    {
        NewRequest().Return();
        await Task.Yield();
    });

    private static Task Run(Func<Task> one) =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < PerCaller; i++) await one();
        })));
}
