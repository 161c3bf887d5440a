using Gateway.Protocol.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.RateLimiting;

/// <summary>A route's rate limit as the hot path uses it, whatever its scope.</summary>
public interface IRouteRateLimiter : IDisposable
{
    /// <summary>The definition it enforces.</summary>
    RateLimitDefinition Definition { get; }

    /// <summary>Tries to admit a request and sets the <c>RateLimit-*</c> response headers.</summary>
    /// <returns>Null when admitted, else the Retry-After value in seconds.</returns>
    string? TryAdmit(HttpContext context);
}
