using Prometheus;

namespace Gateway.Actors.Forwarding;

/// <summary>One route's labelled metric children, looked up once when the route is compiled.</summary>
public sealed class RouteMetrics
{
    private readonly Counter.Child[] _byClass;
    private readonly Histogram.Child _duration;
    private readonly RequestStats _recent;
    private readonly string _routeId;
    private readonly string _upstream;
    // Refusals are rare: their series are resolved at the first one (so none shows before it), then kept.
    private Counter.Child? _rateLimited;
    private Counter.Child? _shed;

    /// <summary>Resolves the children for <paramref name="routeId"/> on <paramref name="upstream"/>.</summary>
    /// <param name="routeId">The route.</param>
    /// <param name="upstream">Its upstream.</param>
    /// <param name="recent">Where requests are counted for ops; <see cref="GatewayMetrics.Recent"/> when null.</param>
    public RouteMetrics(string routeId, string upstream, RequestStats? recent = null)
    {
        _recent = recent ?? GatewayMetrics.Recent;
        _byClass = Enumerable.Range(0, 6)
            .Select(c => GatewayMetrics.Requests.WithLabels(routeId, upstream, c == 0 ? "other" : $"{c}xx"))
            .ToArray();
        _duration = GatewayMetrics.Duration.WithLabels(routeId);
        _routeId = routeId;
        _upstream = upstream;
    }

    /// <summary>Counts a request refused by the route's rate limit.</summary>
    public void RecordRateLimited() => (_rateLimited ??= GatewayMetrics.RateLimited.WithLabels(_routeId)).Inc();

    /// <summary>Counts a request shed because the route's upstream queue was full.</summary>
    public void RecordShed() => (_shed ??= GatewayMetrics.Shed.WithLabels(_upstream)).Inc();

    /// <summary>Records one answered request.</summary>
    public void Record(int status, long startTimestamp)
    {
        var statusClass = status / 100;
        _byClass[statusClass is >= 1 and <= 5 ? statusClass : 0].Inc();
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(startTimestamp);
        _duration.Observe(elapsed.TotalSeconds);
        _recent.Record(status, elapsed);
    }
}
