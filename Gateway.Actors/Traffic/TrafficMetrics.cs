using Prometheus;

namespace Gateway.Actors.Traffic;

/// <summary>Prometheus metrics of weighted splits and fallbacks; children are resolved when a route is compiled, never per request.</summary>
internal static class TrafficMetrics
{
    /// <summary>Requests a route sent to each of its backends (upstreams), whatever the answer.</summary>
    public static readonly Counter BackendRequests = Metrics.CreateCounter(
        "gateway_backend_requests_total", "Requests a route sent to each of its upstreams (backends of a split, or its single upstream), by route and upstream.",
        new CounterConfiguration { LabelNames = ["route", "upstream"] });

    /// <summary>Fallback answers by route and reason.</summary>
    public static readonly Counter Fallbacks = Metrics.CreateCounter(
        "gateway_fallback_total", "Requests answered with the route's fallback instead of the upstream, by route and reason (unavailable, shed, timeout, error).",
        new CounterConfiguration { LabelNames = ["route", "reason"] });
}
