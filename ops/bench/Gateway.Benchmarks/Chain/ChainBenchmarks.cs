using System.Collections.Immutable;
using System.Net;
using BenchmarkDotNet.Attributes;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Ingress;
using Gateway.Actors.Observability;
using Gateway.Actors.RateLimiting;
using Gateway.Actors.Routing;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Benchmarks.Chain;

/// <summary>
/// One proxied request through the ingress handler in memory: route match, the route's compiled chain, YARP's forwarder
/// and the outcome renderer, against an upstream that answers from memory (no socket). <see cref="Plain"/> is a route
/// without a policy; <see cref="AllPolicies"/> has a rate limit that is never reached, the breaker, metrics and an access
/// log sampled at 1%. <see cref="SinkOnly"/> is what the in-memory upstream itself allocates per request (its response
/// message and its asynchronous completion): subtract it to get the gateway's and YARP's share.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ChainBenchmarks
{
    private readonly DefaultHttpContext _plainContext = NewContext("/plain/ping");
    private readonly DefaultHttpContext _policiesContext = NewContext("/policies/ping");
    private readonly MemoryUpstream _sink = new();
    private IngressHandler _plain = null!;
    private IngressHandler _policies = null!;
    private UpstreamFailureLog _failures = null!;
    private RouteRateLimiter _limiter = null!;

    /// <summary>Compiles both routes on the in-memory upstream and checks that each answers 200.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var defaults = UpstreamDefaults.FromConfig(Gateway.Actors.GatewayDefaults.Config);
        var upstream = new UpstreamRuntime(new UpstreamDefinition { Name = "memory", Endpoints = [new EndpointDefinition { Url = "http://upstream.local" }] },
            defaults, new HttpMessageInvoker(_sink));
        var services = new ServiceCollection().AddLogging().AddHttpForwarder().BuildServiceProvider();
        _failures = new UpstreamFailureLog(NullLogger<UpstreamFailureLog>.Instance, TimeSpan.FromSeconds(10));
        var forwarding = new ForwardingServices(services.GetRequiredService<IHttpForwarder>(), NullLogger<ForwardStep>.Instance, _failures);

        var plain = new RouteDefinition { Id = "plain", Path = "/plain/{**rest}", Upstream = "memory" };
        _plain = Handler(new CompiledRoute(plain, PathTemplate.Parse(plain.Path), upstream, forwarding: forwarding), NoAccessLog.Instance);

        var policies = new RouteDefinition
        {
            Id = "policies", Path = "/policies/{**rest}", Upstream = "memory",
            RateLimit = new RateLimitDefinition { Limit = 1_000_000_000, Period = TimeSpan.FromSeconds(1) },
        };
        _limiter = new RouteRateLimiter("policies", policies.RateLimit, ClientAddressResolver.FromConfig(Gateway.Actors.GatewayDefaults.Config));
        _policies = Handler(new CompiledRoute(policies, PathTemplate.Parse(policies.Path), upstream, _limiter, forwarding: forwarding),
            new SampledAccessLog(0.01));

        if (Plain() != 200 || AllPolicies() != 200) throw new InvalidOperationException("the in-memory pass did not answer 200");
    }

    /// <summary>Stops the failure log's timer and the limiter.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _failures.Dispose();
        _limiter.Dispose();
    }

    /// <summary>A route without a policy.</summary>
    [Benchmark(Baseline = true)]
    public int Plain() => Run(_plain, _plainContext);

    /// <summary>Rate limit (never reached), breaker, metrics, access log sampled at 1%.</summary>
    [Benchmark]
    public int AllPolicies() => Run(_policies, _policiesContext);

    /// <summary>The in-memory upstream's own response per request, without the gateway.</summary>
    [Benchmark]
    public int SinkOnly()
    {
        using var response = _sink.AnswerAsync().GetAwaiter().GetResult();
        return (int)response.StatusCode;
    }

    private static int Run(IngressHandler handler, DefaultHttpContext context)
    {
        // Kestrel reuses one context per connection; only what a request changed is reset.
        context.Response.StatusCode = 200;
        context.Response.Headers.Clear();
        handler.HandleAsync(context).GetAwaiter().GetResult();
        return context.Response.StatusCode;
    }

    private static IngressHandler Handler(CompiledRoute route, IAccessLog accessLog)
    {
        var table = RouteTable<CompiledRoute>.Compile([new RouteTableEntry<CompiledRoute>(route.Id, [], [], route.Path, 0, route)]);
        var holder = new RouteTableHolder();
        holder.Publish(table, [route.Upstream]);
        return new IngressHandler(holder, accessLog);
    }

    private static DefaultHttpContext NewContext(string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("gateway.local");
        context.Request.Path = path;
        context.Request.Headers.UserAgent = "wrk";
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        return context;
    }

    /// <summary>An upstream that answers every request with nginx's 200 <c>{"message":"pong"}</c>, from memory.</summary>
    private sealed class MemoryUpstream : HttpMessageHandler
    {
        private static readonly byte[] Body = """{"message":"pong"}"""u8.ToArray();

        // Answers after a yield, as a socket would: the chain's awaits complete asynchronously, as they do in production.
        public async Task<HttpResponseMessage> AnswerAsync()
        {
            await Task.Yield();
            var content = new ByteArrayContent(Body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => AnswerAsync();
    }

    /// <summary>The node's access log sampling (one request in 1/rate) with a sink that keeps only the last entry.</summary>
    private sealed class SampledAccessLog(double rate) : IAccessLog
    {
        public AccessLogEntry Last { get; private set; }

        public bool ShouldLog() => rate >= 1 || rate > 0 && Random.Shared.NextDouble() < rate;

        public void Write(in AccessLogEntry entry) => Last = entry;
    }
}
