using Prometheus;

namespace Gateway.Actors.Forwarding;

/// <summary>The gateway's Prometheus instruments; per-route children are resolved once at compile time, never per request.</summary>
public static class GatewayMetrics
{
    /// <summary>Requests answered, by route, upstream and status class.</summary>
    public static readonly Counter Requests = Metrics.CreateCounter(
        "gateway_requests_total", "Requests answered by the gateway, by route, upstream and status class.",
        new CounterConfiguration { LabelNames = ["route", "upstream", "code"] });

    /// <summary>Time from route match to the end of the response, by route.</summary>
    public static readonly Histogram Duration = Metrics.CreateHistogram(
        "gateway_request_duration_seconds", "Time from route match to the end of the response.",
        new HistogramConfiguration
        {
            LabelNames = ["route"],
            Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        });

    /// <summary>Requests refused at once because the upstream's queue was full.</summary>
    public static readonly Counter Shed = Metrics.CreateCounter(
        "gateway_shed_total", "Requests shed with 503 because the upstream's queue was full.",
        new CounterConfiguration { LabelNames = ["upstream"] });

    /// <summary>Requests forwarded right now, by upstream.</summary>
    public static readonly Gauge InFlight = Metrics.CreateGauge(
        "gateway_upstream_in_flight", "Requests forwarded right now, by upstream.",
        new GaugeConfiguration { LabelNames = ["upstream"] });

    /// <summary>Requests waiting for an in-flight slot, by upstream.</summary>
    public static readonly Gauge QueueDepth = Metrics.CreateGauge(
        "gateway_upstream_queue_depth", "Requests waiting for an in-flight slot, by upstream.",
        new GaugeConfiguration { LabelNames = ["upstream"] });

    /// <summary>Per-second requests, errors and latency over the last minute, for <c>pbm gateway stats</c>.</summary>
    public static readonly RequestStats Recent = new(TimeProvider.System);

    /// <summary>Requests that matched no route.</summary>
    public static readonly Counter Unmatched = Metrics.CreateCounter(
        "gateway_unmatched_requests_total", "Requests that matched no route (404) or no method (405).",
        new CounterConfiguration { LabelNames = ["code"] });
}
