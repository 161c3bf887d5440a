using Gateway.Protocol.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.RateLimiting;

/// <summary>A route's rate limit as the hot path uses it, whatever its scope.</summary>
public interface IRouteRateLimiter : IDisposable
{
    /// <summary>The route it limits.</summary>
    string RouteId { get; }

    /// <summary>The definition it enforces.</summary>
    RateLimitDefinition Definition { get; }

    /// <summary>Admitted and refused requests since the limiter was created.</summary>
    RateLimitCounters Counters { get; }

    /// <summary>Keys with live state on this node (seen recently, or with a budget still being used up).</summary>
    int KeyCount { get; }

    /// <summary>Tries to admit a request and sets the <c>RateLimit-*</c> response headers.</summary>
    /// <returns>Null when admitted, else the Retry-After value in seconds.</returns>
    string? TryAdmit(HttpContext context);
}
