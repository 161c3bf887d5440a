using System.Collections.Concurrent;
using Gateway.Actors.Upstreams;
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

    /// <summary>Breaker state per endpoint: 0 closed, 1 open, 2 half-open.</summary>
    public static readonly Gauge EndpointState = Metrics.CreateGauge(
        "gateway_endpoint_breaker_state", "Breaker state per endpoint: 0 closed, 1 open, 2 half-open.",
        new GaugeConfiguration { LabelNames = ["upstream", "endpoint"] });

    /// <summary>1 while active health checks pass (or none are configured), 0 while they fail.</summary>
    public static readonly Gauge EndpointHealthy = Metrics.CreateGauge(
        "gateway_endpoint_healthy", "1 while the endpoint's active health checks pass (or none run), else 0.",
        new GaugeConfiguration { LabelNames = ["upstream", "endpoint"] });

    /// <summary>Breaker transitions per endpoint, by the state entered.</summary>
    public static readonly Counter EndpointTransitions = Metrics.CreateCounter(
        "gateway_endpoint_breaker_transitions_total", "Breaker transitions per endpoint, by the state entered.",
        new CounterConfiguration { LabelNames = ["upstream", "endpoint", "to"] });

    /// <summary>Retries sent, by upstream and outcome of the try that caused them.</summary>
    public static readonly Counter Retries = Metrics.CreateCounter(
        "gateway_retries_total", "Requests retried on another endpoint, by upstream.",
        new CounterConfiguration { LabelNames = ["upstream"] });

    /// <summary>Requests refused with 429 by a route's rate limit.</summary>
    public static readonly Counter RateLimited = Metrics.CreateCounter(
        "gateway_rate_limited_total", "Requests refused with 429 by a route's rate limit.",
        new CounterConfiguration { LabelNames = ["route"] });

    /// <summary>Requests a route's rate limit let through.</summary>
    public static readonly Counter RateLimitAdmitted = Metrics.CreateCounter(
        "gateway_rate_limit_admitted_total", "Requests a route's rate limit let through (refusals: gateway_rate_limited_total).",
        new CounterConfiguration { LabelNames = ["route"] });

    /// <summary>Failed tries to upstream endpoints, by upstream and forwarder error (the first per endpoint is also logged).</summary>
    public static readonly Counter UpstreamFailures = Metrics.CreateCounter(
        "gateway_upstream_failures_total", "Tries to an upstream endpoint that failed before or while answering, by upstream and error.",
        new CounterConfiguration { LabelNames = ["upstream", "error"] });

    private static readonly ConcurrentDictionary<object, Func<IEnumerable<UpstreamRuntime>>> UpstreamSources = new();
    private static int _callbackRegistered;

    /// <summary>
    /// Publishes the in-flight and queue gauges of <paramref name="upstreams"/> at every scrape until the returned handle
    /// is disposed. One process-wide scrape callback serves every gateway instance (the registry cannot remove one), and
    /// gauges of upstreams that no live instance has any more are removed.
    /// </summary>
    public static IDisposable TrackUpstreams(Func<IEnumerable<UpstreamRuntime>> upstreams)
    {
        var handle = new Tracking();
        UpstreamSources[handle] = upstreams;
        if (Interlocked.Exchange(ref _callbackRegistered, 1) == 0) Metrics.DefaultRegistry.AddBeforeCollectCallback(PublishUpstreamGauges);
        return handle;
    }

    /// <summary>Number of gateway instances whose upstream gauges are published (for tests).</summary>
    internal static int TrackedInstances => UpstreamSources.Count;

    /// <summary>Removes every series labelled with route <paramref name="routeId"/> (the route is gone).</summary>
    public static void RemoveRoute(string routeId)
    {
        RemoveWhere(Requests, labels => labels[0] == routeId);
        RemoveWhere(Duration, labels => labels[0] == routeId);
        RemoveWhere(RateLimited, labels => labels[0] == routeId);
        RemoveWhere(RateLimitAdmitted, labels => labels[0] == routeId);
        RemoveWhere(Caching.CacheMetrics.Requests, labels => labels[0] == routeId);
    }

    /// <summary>Removes the request series of route <paramref name="routeId"/> that name another upstream than <paramref name="upstream"/>.</summary>
    public static void RemoveRouteUpstreamsOtherThan(string routeId, string upstream) =>
        RemoveWhere(Requests, labels => labels[0] == routeId && labels[1] != upstream);

    /// <summary>Removes every series labelled with upstream <paramref name="upstream"/> (the upstream is gone).</summary>
    public static void RemoveUpstream(string upstream)
    {
        RemoveWhere(Shed, labels => labels[0] == upstream);
        RemoveWhere(Retries, labels => labels[0] == upstream);
        RemoveWhere(InFlight, labels => labels[0] == upstream);
        RemoveWhere(QueueDepth, labels => labels[0] == upstream);
    }

    private static void RemoveWhere<TChild>(Collector<TChild> collector, Func<string[], bool> match)
        where TChild : ChildBase
    {
        foreach (var labels in collector.GetAllLabelValues().Where(match).ToList()) collector.RemoveLabelled(labels);
    }

    private static void PublishUpstreamGauges()
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in UpstreamSources.Values)
        {
            foreach (var upstream in source())
            {
                live.Add(upstream.Name);
                InFlight.WithLabels(upstream.Name).Set(upstream.InFlight);
                QueueDepth.WithLabels(upstream.Name).Set(upstream.Pipeline.QueueDepth);
                // The shed counter exists from 0 for every configured upstream, so rate() and alerts see it before the first shed.
                Shed.WithLabels(upstream.Name);
            }
        }
        RemoveWhere(InFlight, labels => !live.Contains(labels[0]));
        RemoveWhere(QueueDepth, labels => !live.Contains(labels[0]));
    }

    private sealed class Tracking : IDisposable
    {
        public void Dispose() => UpstreamSources.TryRemove(this, out _);
    }
}
