using System.Globalization;
using System.Threading.RateLimiting;
using Gateway.Protocol.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.RateLimiting;

/// <summary>
/// A route's node-scope rate limit: System.Threading.RateLimiting's token bucket or sliding window, one partition per
/// key. Answers whether a request may pass and the <c>RateLimit-*</c> header values for its key.
/// </summary>
public sealed class RouteRateLimiter : IRouteRateLimiter
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly ClientAddressResolver _clients;
    private readonly string? _header;
    private readonly string? _claim;
    private readonly bool _byRoute;
    private readonly string _limitValue;
    private readonly string _resetValue;

    /// <summary>Creates the limiter for <paramref name="definition"/>.</summary>
    public RouteRateLimiter(RateLimitDefinition definition, ClientAddressResolver clients)
    {
        Definition = definition;
        _clients = clients;
        _byRoute = definition.Key == "route";
        _header = definition.Key.StartsWith("header:", StringComparison.Ordinal) ? definition.Key[7..] : null;
        _claim = RateLimitKeys.ClaimOf(definition.Key);
        _limitValue = definition.Limit.ToString(CultureInfo.InvariantCulture);
        _resetValue = Math.Max(1, (int)Math.Ceiling(definition.Period.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        _limiter = definition.Algorithm == "sliding-window"
            ? PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = definition.Limit,
                Window = definition.Period,
                SegmentsPerWindow = 10,
                QueueLimit = 0,
                AutoReplenishment = true,
            }))
            : PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = definition.Burst ?? definition.Limit,
                TokensPerPeriod = definition.Limit,
                ReplenishmentPeriod = definition.Period,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>The definition it enforces.</summary>
    public RateLimitDefinition Definition { get; }

    /// <summary>Tries to admit a request; sets the <c>RateLimit-*</c> headers on the response either way.</summary>
    /// <returns>Null when admitted, else the Retry-After value in seconds.</returns>
    public string? TryAdmit(HttpContext context)
    {
        var key = RateLimitKeys.Of(context, _byRoute, _header, _clients, _claim);
        using var lease = _limiter.AttemptAcquire(key);
        var headers = context.Response.Headers;
        RateLimitKeys.SetHeaders(headers, _limitValue, _limiter.GetStatistics(key)?.CurrentAvailablePermits ?? 0, _resetValue);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
            : _resetValue;
    }

    /// <inheritdoc />
    public void Dispose() => _limiter.Dispose();
}
