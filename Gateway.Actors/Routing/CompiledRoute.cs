using Gateway.Actors.Chain;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Actors.Routing;

/// <summary>
/// A route prepared for the hot path: its compiled step chain (security, rate limit, cache, forward: only the steps its
/// policies need), rewrite, header transforms, timeouts and metric children.
/// </summary>
public sealed class CompiledRoute
{
    /// <summary>Compiles <paramref name="definition"/> onto <paramref name="upstream"/>, with its rate limiter if it has one.</summary>
    /// <param name="definition">The route.</param>
    /// <param name="path">Its parsed path template.</param>
    /// <param name="upstream">The upstream's runtime.</param>
    /// <param name="rateLimiter">Its rate limiter, or null.</param>
    /// <param name="security">Its security steps, or null.</param>
    /// <param name="forwarding">The node's forwarding services; without them the chain has no forward step (tests of other parts).</param>
    /// <param name="cache">The node's response cache, for a route with a cache section.</param>
    /// <param name="recent">Where its requests are counted for ops; the node's <see cref="GatewayMetrics.Recent"/> when null.</param>
    internal CompiledRoute(RouteDefinition definition, PathTemplate path, UpstreamRuntime upstream, RateLimiting.IRouteRateLimiter? rateLimiter = null,
        Security.RouteSecurity? security = null, ForwardingServices? forwarding = null, Caching.ResponseCache? cache = null,
        Traffic.TrafficPlan? traffic = null, RequestStats? recent = null)
    {
        _traffic = traffic;
        RateLimiter = rateLimiter;
        Security = security;
        Definition = definition;
        Id = definition.Id;
        Path = path;
        Upstream = upstream;
        Rewriter = PathRewriter.Create(definition.Rewrite, path);
        RequestHeaders = new CompiledHeaderTransforms(definition.RequestHeaders);
        ResponseHeaders = new CompiledHeaderTransforms(definition.ResponseHeaders);
        ForwarderConfig = new ForwarderRequestConfig { ActivityTimeout = definition.Timeout ?? upstream.RequestTimeout };
        Metrics = new RouteMetrics(Id, upstream.Name, recent);
        Cache = definition.Cache is { } cacheDefinition ? new Caching.CompiledCache(definition.Id, cacheDefinition, definition.Auth is not null, security?.CredentialHeader) : null;
        Steps = BuildSteps(forwarding, cache);
        Chain = RequestChain.Compose(Steps);
    }

    /// <summary>The route's steps in the order they run; a policy the route does not have has no step.</summary>
    internal IReadOnlyList<IRequestStep> Steps { get; }

    /// <summary>The steps composed into one delegate.</summary>
    internal StepDelegate Chain { get; }

    /// <summary>Whether the route answers CORS preflights.</summary>
    public bool HasCors => Security?.Cors is not null;

    private readonly Traffic.TrafficPlan? _traffic;

    /// <summary>The route's weighted split, or null for a route with one upstream.</summary>
    internal Traffic.TrafficSplitStep? Split { get; private set; }

    // Security before the rate limit, so a limit may key on the authenticated identity; the cache after both, so a
    // cached response is served only to a request that passed them; the forward last.
    // The fallback wraps the cache, the split and the forward: it answers for whichever backend failed, and only when the
    // cache had no stale entry to serve instead (a stale answer beats a canned one), and the cache never sees it to store.
    private List<IRequestStep> BuildSteps(ForwardingServices? forwarding, Caching.ResponseCache? cache)
    {
        var steps = new List<IRequestStep>(7);
        if (Security is not null) steps.AddRange(Security.Steps);
        if (RateLimiter is not null) steps.Add(new RateLimiting.RateLimitStep(RateLimiter));
        if (forwarding is not null && Definition.Fallback is { } fallback) steps.Add(new Traffic.FallbackStep(Id, fallback, Traffic.FallbackStep.ReadBody(fallback)));
        if (Cache is not null && cache is not null) steps.Add(new Caching.CacheStep(cache, Cache, ResponseHeaders));
        if (forwarding is null) return steps;
        if (_traffic is { Backends.Count: > 0 } traffic)
        {
            var backends = traffic.Backends;
            var forwards = backends.Select(b => (IRequestStep)new ForwardStep(Id, b.Upstream,
                new ForwarderRequestConfig { ActivityTimeout = Definition.Timeout ?? b.Upstream.RequestTimeout },
                RequestHeaders, ResponseHeaders, Definition.MaxRequestBodySize, forwarding)).ToArray();
            Split = new Traffic.TrafficSplitStep(Id, backends, forwards, traffic.Sticky);
            steps.Add(Split);
        }
        else
        {
            steps.Add(new ForwardStep(Id, Upstream, ForwarderConfig, RequestHeaders, ResponseHeaders, Definition.MaxRequestBodySize, forwarding));
        }
        return steps;
    }

    /// <summary>The accepted definition.</summary>
    public RouteDefinition Definition { get; }

    /// <summary>Route id.</summary>
    public string Id { get; }

    /// <summary>Parsed path template.</summary>
    public PathTemplate Path { get; }

    /// <summary>The upstream serving the route.</summary>
    public UpstreamRuntime Upstream { get; }

    /// <summary>Path rewrite.</summary>
    public PathRewriter Rewriter { get; }

    /// <summary>Request header transforms.</summary>
    public CompiledHeaderTransforms RequestHeaders { get; }

    /// <summary>Response header transforms.</summary>
    public CompiledHeaderTransforms ResponseHeaders { get; }

    /// <summary>Per-request forwarder settings (idle timeout = route timeout or upstream request timeout).</summary>
    public ForwarderRequestConfig ForwarderConfig { get; }

    /// <summary>The route's rate limiter, or null.</summary>
    public RateLimiting.IRouteRateLimiter? RateLimiter { get; }

    /// <summary>The route's response cache, or null.</summary>
    public Caching.CompiledCache? Cache { get; }

    /// <summary>The route's auth, CORS and address rules; null when it has none (the hot path's only cost then).</summary>
    public Security.RouteSecurity? Security { get; }

    /// <summary>Metric children.</summary>
    public RouteMetrics Metrics { get; }
}
