using System.Diagnostics;
using System.Net;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Observability;
using Gateway.Actors.RateLimiting;
using Gateway.Actors.Routing;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Actors.Ingress;

/// <summary>
/// Runs requests through the request path before the node's ingress opens (issue 12, cold start): an
/// <see cref="IngressHandler"/> of its own over a one-route table whose route has a rate limit and forwards through YARP's
/// forwarder to an in-memory upstream. The first real requests then find that code compiled, and the idle gaps between
/// batches let the runtime's tiered compiler promote it before the ingress is under load.
/// </summary>
/// <remarks>
/// Leaves nothing a user sees: no connection to any upstream (the sink answers in memory), no access log (the pass has
/// none), its own rate limiter (no route's budget is touched), its own recent-request stats, and the metric series it
/// created are removed when it ends.
/// </remarks>
internal sealed class IngressWarmup(WarmupSettings settings, IHttpForwarder forwarder, UpstreamDefaults defaults)
{
    private static int s_instances;

    /// <summary>Route id and upstream name of the pass's own route (their metric series are removed afterwards); one per
    /// instance, so that nodes sharing a process (tests) never remove each other's series.</summary>
    internal string Name { get; } = $"gateway-warm-up-{Interlocked.Increment(ref s_instances)}";

    private static readonly byte[] Body = "{\"message\":\"pong\"}"u8.ToArray();

    /// <summary>The settings the pass runs with.</summary>
    public WarmupSettings Settings => settings;

    /// <summary>Requests the last pass sent through the chain (0 before a pass, or when it is off).</summary>
    public int Requests { get; private set; }

    /// <summary>Requests of the last pass not answered 200 by the sink (the chain is broken: the pass warmed an error path).</summary>
    public int Failed { get; private set; }

    /// <summary>How long the last pass took.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>True once a pass ran to its end (or was off).</summary>
    public bool Completed { get; private set; }

    /// <summary>
    /// Sends <see cref="WarmupSettings.Batch"/> requests at a time through the chain, pausing <see cref="WarmupSettings.Pause"/>
    /// between batches, until <see cref="WarmupSettings.Duration"/> has passed; returns the number of requests sent.
    /// </summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var failed = 0;
        if (settings.Duration > TimeSpan.Zero && settings.Batch > 0)
        {
            var sink = new SinkHandler();
            using var client = new HttpMessageInvoker(sink);
            using var limiter = new RouteRateLimiter(Name, new RateLimitDefinition { Limit = int.MaxValue, Period = TimeSpan.FromSeconds(1) },
                new ClientAddressResolver([]));
            using var failures = new UpstreamFailureLog(NullLogger<UpstreamFailureLog>.Instance, TimeSpan.FromMinutes(1));
            try
            {
                var handler = new IngressHandler(Table(client, limiter, failures), NoAccessLog.Instance);
                while (!cancellationToken.IsCancellationRequested)
                {
                    for (var i = 0; i < settings.Batch; i++)
                    {
                        var request = NewRequest();
                        await handler.HandleAsync(request).ConfigureAwait(false);
                        sent++;
                        if (request.Response.StatusCode != StatusCodes.Status200OK || sink.Answered != sent) failed++;
                    }
                    if (clock.Elapsed + settings.Pause >= settings.Duration) break;
                    await Task.Delay(settings.Pause, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            finally
            {
                GatewayMetrics.RemoveRoute(Name);
                GatewayMetrics.RemoveUpstream(Name);
            }
        }
        Requests = sent;
        Failed = failed;
        Elapsed = clock.Elapsed;
        Completed = true;
        return sent;
    }

    private RouteTableHolder Table(HttpMessageInvoker client, RouteRateLimiter limiter, UpstreamFailureLog failures)
    {
        var upstream = new UpstreamDefinition { Name = Name, Endpoints = [new EndpointDefinition { Url = "http://warm-up.invalid" }] };
        var runtime = new UpstreamRuntime(upstream, defaults, client);
        var route = new RouteDefinition
        {
            Id = Name, Path = "/{**rest}", Upstream = Name,
            RateLimit = limiter.Definition,
        };
        var template = PathTemplate.Parse(route.Path);
        var forwarding = new ForwardingServices(forwarder, NullLogger<ForwardStep>.Instance, failures);
        var compiled = new CompiledRoute(route, template, runtime, limiter, forwarding: forwarding, recent: new RequestStats(TimeProvider.System));
        var holder = new RouteTableHolder();
        holder.Publish(RouteTable<CompiledRoute>.Compile([new RouteTableEntry<CompiledRoute>(Name, route.Hosts, route.Methods, template, route.Order, compiled)]), [runtime]);
        return holder;
    }

    private static DefaultHttpContext NewRequest()
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = HttpMethods.Get;
        request.Scheme = "http";
        request.Protocol = "HTTP/1.1";
        request.Host = new HostString("warm-up.invalid");
        request.Path = "/ping";
        request.Headers.Accept = "*/*";
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Response.Body = Stream.Null;
        return context;
    }

    /// <summary>The in-memory upstream: answers every request 200 with a small JSON body; nothing leaves the process.</summary>
    private sealed class SinkHandler : HttpMessageHandler
    {
        private int _answered;

        public int Answered => Volatile.Read(ref _answered);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _answered);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                RequestMessage = request,
                Content = new ByteArrayContent(Body) { Headers = { { "Content-Type", "application/json" } } },
            });
        }
    }
}
