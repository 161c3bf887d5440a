using System.Collections.Immutable;

namespace Gateway.Protocol.Routing;

/// <summary>A route as users write it (HOCON kebab-case or JSON camelCase): what to match and where to send it.</summary>
public sealed record RouteDefinition : Cluster.IGatewayMessage
{
    /// <summary>Unique route id, also the sharding entity id.</summary>
    public string Id { get; init; } = "";

    /// <summary>Path template: static segments, <c>{param}</c>, <c>{param:int}</c>, and a final <c>{**rest}</c>.</summary>
    public string Path { get; init; } = "";

    /// <summary>Name of the upstream that serves the route; empty when <see cref="Backends"/> splits it across several.</summary>
    public string Upstream { get; init; } = "";

    /// <summary>Hosts to match (exact, or <c>*.example.com</c>); empty matches any host.</summary>
    public ImmutableArray<string> Hosts { get; init; } = [];

    /// <summary>HTTP methods to match (upper case); empty matches any method.</summary>
    public ImmutableArray<string> Methods { get; init; } = [];

    /// <summary>Tie-breaker between routes of equal specificity: lower wins.</summary>
    public int Order { get; init; }

    /// <summary>How the path is rewritten before forwarding; null forwards the path unchanged.</summary>
    public RouteRewrite? Rewrite { get; init; }

    /// <summary>Overall time allowed for the upstream to answer; null uses the upstream's request timeout.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Headers added to or removed from the request sent upstream.</summary>
    public HeaderTransforms RequestHeaders { get; init; } = HeaderTransforms.Empty;

    /// <summary>Headers added to or removed from the response sent to the client.</summary>
    public HeaderTransforms ResponseHeaders { get; init; } = HeaderTransforms.Empty;

    /// <summary>Largest request body accepted, in bytes (413 beyond it); null accepts any size.</summary>
    public long? MaxRequestBodySize { get; init; }

    /// <summary>Whether an encoded slash (<c>%2F</c>) or a backslash may appear in the path; refused with 400 otherwise.</summary>
    public bool AllowEncodedSlashes { get; init; }

    /// <summary>Rate limit of the route; null admits everything.</summary>
    public RateLimitDefinition? RateLimit { get; init; }

    /// <summary>Response cache of the route; null caches nothing.</summary>
    public Caching.CacheDefinition? Cache { get; init; }

    /// <summary>Name of the node's auth policy (<c>gateway.auth.NAME</c>) a request must pass; null lets anyone in.</summary>
    public string? Auth { get; init; }

    /// <summary>CORS policy answered at the gateway; null adds no CORS headers.</summary>
    public Security.CorsDefinition? Cors { get; init; }

    /// <summary>Client address allow and deny lists; null applies only the node's global rules.</summary>
    public Security.IpRulesDefinition? IpRules { get; init; }

    /// <summary>Conditions on headers, query and cookies that must all hold; null matches on host, method and path alone.</summary>
    public RouteMatchDefinition? Match { get; init; }

    /// <summary>Weighted split across upstreams, used instead of <see cref="Upstream"/>; empty when the route has one upstream.</summary>
    public ImmutableArray<BackendDefinition> Backends { get; init; } = [];

    /// <summary>Sticky choice among <see cref="Backends"/>; null splits each request by weight alone.</summary>
    public StickyDefinition? Sticky { get; init; }

    /// <summary>Degraded answer when the upstream cannot answer; null answers with the gateway's 502/503/504.</summary>
    public FallbackDefinition? Fallback { get; init; }

    /// <summary>Every upstream the route sends to: <see cref="Upstream"/>, or each backend's.</summary>
    public IEnumerable<string> UpstreamNames() => Backends.IsDefaultOrEmpty
        ? string.IsNullOrEmpty(Upstream) ? [] : [Upstream]
        : Backends.Select(b => b.Upstream);

    /// <summary>Version assigned by the route's owner; 0 for a definition not yet accepted.</summary>
    public long Version { get; init; }
}
