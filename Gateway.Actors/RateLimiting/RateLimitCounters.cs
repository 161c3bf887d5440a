using Gateway.Actors.Forwarding;
using Prometheus;

namespace Gateway.Actors.RateLimiting;

/// <summary>
/// What one route's limiter decided since it was created (a changed limit starts a new one): the counts
/// <c>pbm gateway ratelimits</c> shows, and the admitted side of the Prometheus metrics (the refusals are counted where
/// the 429 is written, in <c>gateway_rate_limited_total</c>).
/// </summary>
public sealed class RateLimitCounters
{
    private readonly Counter.Child _admittedMetric;
    private long _admitted;
    private long _rejected;

    /// <summary>Counters of route <paramref name="routeId"/>; its metric child is resolved here, once.</summary>
    public RateLimitCounters(string routeId) => _admittedMetric = GatewayMetrics.RateLimitAdmitted.WithLabels(routeId);

    /// <summary>Requests let through.</summary>
    public long Admitted => Interlocked.Read(ref _admitted);

    /// <summary>Requests refused with 429.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Counts one decision.</summary>
    public void Record(bool admitted)
    {
        if (admitted)
        {
            Interlocked.Increment(ref _admitted);
            _admittedMetric.Inc();
        }
        else
        {
            Interlocked.Increment(ref _rejected);
        }
    }
}
