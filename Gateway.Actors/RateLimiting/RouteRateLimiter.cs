using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Gateway.Protocol.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.RateLimiting;

/// <summary>
/// A route's node-scope rate limit: System.Threading.RateLimiting's token bucket or sliding window, one partition per
/// key. Answers whether a request may pass and the <c>RateLimit-*</c> header values for its key.
/// </summary>
internal sealed class RouteRateLimiter : IRouteRateLimiter
{
    // Keys idle this long stop counting as live; the cluster scope evicts its keys after as long (240 rounds of 250 ms).
    private static readonly TimeSpan KeyIdle = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(10);

    private readonly PartitionedRateLimiter<string> _limiter;
    // The partitioned limiter does not say which keys it holds: this map does, with each key's last request (ms ticks).
    private readonly ConcurrentDictionary<string, StrongBox<long>> _keys = new(StringComparer.Ordinal);
    private readonly Timer _sweep;
    private readonly ClientAddressResolver _clients;
    private readonly string? _header;
    private readonly string? _claim;
    private readonly bool _byRoute;
    private readonly string _limitValue;
    private readonly string _resetValue;

    /// <summary>Creates the limiter of route <paramref name="routeId"/> for <paramref name="definition"/>.</summary>
    public RouteRateLimiter(string routeId, RateLimitDefinition definition, ClientAddressResolver clients)
    {
        RouteId = routeId;
        Definition = definition;
        Counters = new RateLimitCounters(routeId);
        _sweep = new Timer(static self => ((RouteRateLimiter)self!).Sweep(), this, SweepEvery, SweepEvery);
        _clients = clients;
        _byRoute = definition.Key == "route";
        _header = definition.Key.StartsWith("header:", StringComparison.Ordinal) ? definition.Key[7..] : null;
        _claim = RateLimitKeys.ClaimOf(definition.Key);
        _limitValue = definition.Limit.ToString(CultureInfo.InvariantCulture);
        _resetValue = Math.Max(1, (int)Math.Ceiling(definition.Period.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        // One factory per route, handed to every partition lookup: RateLimitPartition.GetTokenBucketLimiter would allocate
        // two closures per call, and the limiter looks its partition up twice per request. As that helper does, the
        // partition's limiter does not replenish itself: the partitioned limiter's own timer replenishes them all.
        Func<string, RateLimiter> create = definition.Algorithm == "sliding-window"
            ? _ => new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = definition.Limit,
                Window = definition.Period,
                SegmentsPerWindow = 10,
                QueueLimit = 0,
                AutoReplenishment = false,
            })
            : _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = definition.Burst ?? definition.Limit,
                TokensPerPeriod = definition.Limit,
                ReplenishmentPeriod = definition.Period,
                QueueLimit = 0,
                AutoReplenishment = false,
            });
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.Get(key, create));
    }

    /// <inheritdoc />
    public string RouteId { get; }

    /// <summary>The definition it enforces.</summary>
    public RateLimitDefinition Definition { get; }

    /// <inheritdoc />
    public RateLimitCounters Counters { get; }

    /// <inheritdoc />
    public int KeyCount => _keys.Count;

    /// <summary>Tries to admit a request; sets the <c>RateLimit-*</c> headers on the response either way.</summary>
    /// <returns>Null when admitted, else the Retry-After value in seconds.</returns>
    public string? TryAdmit(HttpContext context)
    {
        var key = RateLimitKeys.Of(context, _byRoute, _header, _clients, _claim);
        Volatile.Write(ref _keys.GetOrAdd(key, static _ => new StrongBox<long>()).Value, Environment.TickCount64);
        using var lease = _limiter.AttemptAcquire(key);
        var headers = context.Response.Headers;
        RateLimitKeys.SetHeaders(headers, _limitValue, _limiter.GetStatistics(key)?.CurrentAvailablePermits ?? 0, _resetValue);
        Counters.Record(lease.IsAcquired);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
            : _resetValue;
    }

    /// <summary>The live keys with what their limiter counted: permits left, leases granted and refused.</summary>
    internal IEnumerable<(string Key, RateLimiterStatistics? Statistics)> KeyStates() =>
        _keys.Keys.Select(key => (key, _limiter.GetStatistics(key)));

    private void Sweep()
    {
        var idleSince = Environment.TickCount64 - (long)KeyIdle.TotalMilliseconds;
        foreach (var (key, seen) in _keys)
        {
            if (Volatile.Read(ref seen.Value) < idleSince) _keys.TryRemove(key, out _);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sweep.Dispose();
        _limiter.Dispose();
    }
}
