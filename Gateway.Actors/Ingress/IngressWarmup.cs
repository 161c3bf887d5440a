using System.Diagnostics;
using System.Net;
using System.Runtime;
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
/// forwarder. The requests travel the whole way a client's do, over loopback: a connection to a Kestrel listener of the
/// node, HTTP/1.1 parsing, the chain, the forward through a pooled <see cref="SocketsHttpHandler"/> to a sink answered by
/// the same listener, and the response written back. (An earlier pass answered the forward in memory: it left Kestrel's
/// and SocketsHttpHandler's socket code, most of the hot path, cold, and did not bring the steady rate sooner.) The idle
/// gaps between bursts let the runtime's tiered compiler promote that code before the ingress is under load; the pass
/// ends once the JIT compiled fewer than one method per 100 ms over <see cref="WarmupSettings.Quiet"/>, or after
/// <see cref="WarmupSettings.Duration"/>.
/// </summary>
/// <remarks>
/// Leaves nothing a user sees: no connection to any configured upstream (the sink answers on the warm-up listener, which
/// is bound to 127.0.0.1 on a free port only while the pass runs), no access log (the pass has none), its own rate
/// limiter (no route's budget is touched), its own recent-request stats, and the metric series it created are removed
/// when it ends.
/// </remarks>
internal sealed class IngressWarmup(WarmupSettings settings, IHttpForwarder forwarder, UpstreamDefaults defaults)
{
    private static int s_instances;

    /// <summary>Path prefix of the loopback sink: the pass's upstream, answered on the warm-up listener itself.</summary>
    private static readonly PathString SinkPath = "/gateway-warm-up-sink";

    private static readonly byte[] Body = "{\"message\":\"pong\"}"u8.ToArray();

    private IngressHandler? _loopbackHandler;
    private int _loopbackPort;
    private int _sinkAnswered;
    private bool _completed;

    /// <summary>Route id and upstream name of the pass's own route (their metric series are removed afterwards); one per
    /// instance, so that nodes sharing a process (tests) never remove each other's series.</summary>
    internal string Name { get; } = $"gateway-warm-up-{Interlocked.Increment(ref s_instances)}";

    /// <summary>The settings the pass runs with.</summary>
    public WarmupSettings Settings => settings;

    /// <summary>Requests the last pass sent through the chain (0 before a pass, or when it is off).</summary>
    public int Requests { get; private set; }

    /// <summary>Requests of the last pass not answered 200 by the sink (the chain is broken: the pass warmed an error path).</summary>
    public int Failed { get; private set; }

    /// <summary>How long the last pass took.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>True when the last pass ended because the JIT went quiet, false when it ran its whole duration.</summary>
    public bool EndedQuiet { get; private set; }

    /// <summary>The warm-up listener's port during the last pass (0 before one).</summary>
    public int Port { get; private set; }

    /// <summary>True once a pass ran to its end, or at once when the pass is off.</summary>
    public bool Completed => settings.Duration <= TimeSpan.Zero || Volatile.Read(ref _completed);

    /// <summary>True for a request that arrived on the warm-up listener (local port <paramref name="localPort"/>) while a
    /// pass over loopback runs; the node hands it to <see cref="HandleAsync"/>. One read per ingress request.</summary>
    public bool Owns(int localPort)
    {
        var port = Volatile.Read(ref _loopbackPort);
        return port != 0 && localPort == port;
    }

    /// <summary>Answers a request on the warm-up listener: the sink's path is the pass's upstream, anything else is a
    /// client request of the pass and runs through its chain.</summary>
    public Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(SinkPath))
        {
            Interlocked.Increment(ref _sinkAnswered);
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";
            response.ContentLength = Body.Length;
            return response.Body.WriteAsync(Body, 0, Body.Length, context.RequestAborted);
        }
        if (Volatile.Read(ref _loopbackHandler) is { } handler) return handler.HandleAsync(context);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs the pass: <see cref="WarmupSettings.Connections"/> connections to the warm-up listener on
    /// 127.0.0.1:<paramref name="port"/> (bound by the caller, whose requests it hands to <see cref="HandleAsync"/>), each
    /// sending <see cref="WarmupSettings.Batch"/> requests back to back, then a pause of <see cref="WarmupSettings.Pause"/>,
    /// until the JIT is quiet or the duration has passed; returns the number of requests sent.
    /// </summary>
    public async Task<int> RunAsync(int port, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        Port = port;
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var failed = 0;
        var quiet = false;
        if (settings.Duration > TimeSpan.Zero && settings.Batch > 0)
        {
            var upstream = Upstream($"http://127.0.0.1:{port}{SinkPath}");
            // The forward goes through the client every upstream gets, so the pass compiles the connection code they run.
            using var upstreamClient = UpstreamClientFactory.Create(upstream, defaults);
            using var limiter = NewLimiter();
            using var failures = new UpstreamFailureLog(NullLogger<UpstreamFailureLog>.Instance, TimeSpan.FromMinutes(1));
            // The pass's clients: a pooled client like the forward's own (no proxy, cookies, redirects or decompression).
            using var client = UpstreamClientFactory.Create(upstream, defaults);
            var target = new Uri($"http://127.0.0.1:{port}/ping");
            var connections = Math.Max(1, settings.Connections);
            var jit = new JitQuiet(settings.Quiet, clock);
            Volatile.Write(ref _sinkAnswered, 0);
            Volatile.Write(ref _loopbackHandler, new IngressHandler(Table(upstream, upstreamClient, limiter, failures), NoAccessLog.Instance));
            Volatile.Write(ref _loopbackPort, port);
            try
            {
                var bursts = new Task<int>[connections];
                while (!cancellationToken.IsCancellationRequested)
                {
                    for (var i = 0; i < connections; i++) bursts[i] = BurstAsync(client, target, settings.Batch, cancellationToken);
                    // Every burst ends before the next step (or before the clients are disposed, when the node stops).
                    foreach (var burstFailed in await Task.WhenAll(bursts).ConfigureAwait(false)) failed += burstFailed;
                    sent += connections * settings.Batch;
                    if (jit.IsQuiet()) { quiet = true; break; }
                    if (clock.Elapsed + settings.Pause >= settings.Duration) break;
                    await Task.Delay(settings.Pause, cancellationToken).ConfigureAwait(false);
                }
                // A request answered 200 that the sink did not answer went somewhere else: count it as failed too.
                failed = Math.Max(failed, sent - Volatile.Read(ref _sinkAnswered));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            finally
            {
                Volatile.Write(ref _loopbackPort, 0);
                Volatile.Write(ref _loopbackHandler, null);
                RemoveSeries();
            }
        }
        return Finish(sent, failed, quiet, clock);
    }

    // Requests answered other than 200 (a refused connection or a timeout counts as one).
    private static async Task<int> BurstAsync(HttpMessageInvoker client, Uri target, int count, CancellationToken cancellationToken)
    {
        await Task.Yield(); // the bursts run side by side
        var failed = 0;
        for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, target);
                request.Headers.Accept.ParseAdd("*/*");
                using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
                await response.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.OK) failed++;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                failed++; // refused, reset, or a malformed answer: the pass goes on, and says how many failed
            }
        }
        return failed;
    }

    private int Finish(int sent, int failed, bool quiet, Stopwatch clock)
    {
        Requests = sent;
        Failed = failed;
        Elapsed = clock.Elapsed;
        EndedQuiet = quiet;
        Volatile.Write(ref _completed, true);
        return sent;
    }

    private RouteRateLimiter NewLimiter() => new(Name, new RateLimitDefinition { Limit = int.MaxValue, Period = TimeSpan.FromSeconds(1) },
        new ClientAddressResolver([]));

    private void RemoveSeries()
    {
        GatewayMetrics.RemoveRoute(Name);
        GatewayMetrics.RemoveUpstream(Name);
    }

    private UpstreamDefinition Upstream(string url) => new() { Name = Name, Endpoints = [new EndpointDefinition { Url = url }] };

    private RouteTableHolder Table(UpstreamDefinition upstream, HttpMessageInvoker client, RouteRateLimiter limiter, UpstreamFailureLog failures)
    {
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

    /// <summary>
    /// True once the runtime compiled fewer than one method per 100 ms (at any tier, in any thread) over a whole quiet
    /// period: the hot code is promoted, and what is left is code the node runs now and then (timers, gossip). Zero never
    /// goes quiet.
    /// </summary>
    internal sealed class JitQuiet(TimeSpan period, Func<TimeSpan> now, Func<long> compiledMethods)
    {
        private long _windowCount = compiledMethods();
        private TimeSpan _windowStart = now();

        /// <summary>Over the runtime's own count and <paramref name="clock"/>.</summary>
        public JitQuiet(TimeSpan period, Stopwatch clock) : this(period, () => clock.Elapsed, () => JitInfo.GetCompiledMethodCount())
        {
        }

        /// <summary>Checks the window that ends now; a busy window starts the next one.</summary>
        public bool IsQuiet()
        {
            if (period <= TimeSpan.Zero) return false;
            var at = now();
            if (at - _windowStart < period) return false;
            var compiled = compiledMethods();
            if (compiled - _windowCount < period.TotalMilliseconds / 100) return true;
            _windowCount = compiled;
            _windowStart = at;
            return false;
        }
    }
}
