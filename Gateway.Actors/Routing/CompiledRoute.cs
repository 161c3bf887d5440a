using Gateway.Actors.Forwarding;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Actors.Routing;

/// <summary>A route prepared for the hot path: its upstream, rewrite, header transforms, timeouts and metric children.</summary>
public sealed class CompiledRoute
{
    /// <summary>Compiles <paramref name="definition"/> onto <paramref name="upstream"/>, with its rate limiter if it has one.</summary>
    public CompiledRoute(RouteDefinition definition, PathTemplate path, UpstreamRuntime upstream, RateLimiting.IRouteRateLimiter? rateLimiter = null,
        Security.RouteSecurity? security = null)
    {
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
        Metrics = new RouteMetrics(Id, upstream.Name);
        Cache = definition.Cache is { } cache ? new Caching.CompiledCache(definition.Id, cache, definition.Auth is not null, security?.CredentialHeader) : null;
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
