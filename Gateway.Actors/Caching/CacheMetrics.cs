using Prometheus;

namespace Gateway.Actors.Caching;

/// <summary>Prometheus metrics of the response cache.</summary>
internal static class CacheMetrics
{
    /// <summary>Requests on cached routes by route and X-Cache result.</summary>
    public static readonly Counter Requests = Metrics.CreateCounter("gateway_cache_requests_total",
        "Requests on routes with a cache, by route and result (hit, hit-cluster, collapsed, revalidated, stale, miss, bypass).",
        new CounterConfiguration { LabelNames = ["route", "result"] });

    /// <summary>Responses stored in L1.</summary>
    public static readonly Counter Stored = Metrics.CreateCounter("gateway_cache_stored_total", "Responses stored in this node's L1 cache.");

    /// <summary>L2 lookups that timed out.</summary>
    public static readonly Counter ClusterTimeouts = Metrics.CreateCounter("gateway_cache_cluster_timeouts_total",
        "L2 lookups that got no answer within gateway.cache.l2.ask-timeout.");

    /// <summary>Times a waiting request took the place of a collapsed flight's leader that failed or timed out.</summary>
    public static readonly Counter CollapseTakeovers = Metrics.CreateCounter("gateway_cache_collapse_takeovers_total",
        "Waiting requests that became the leader of their key's flight after the previous leader failed or exceeded collapse-timeout.");

}
