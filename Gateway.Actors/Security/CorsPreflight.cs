using Gateway.Actors.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Security;

/// <summary>
/// Finds the route a CORS preflight is about when the route does not take OPTIONS itself: the preflight asks for
/// another method (<c>Access-Control-Request-Method</c>), so it is matched as that method would be.
/// </summary>
public static class CorsPreflight
{
    /// <summary>The CORS route for a preflight that matched no route by its own method, or null (then it answers 405 as before).</summary>
    public static CompiledRoute? Find(RouteTable<CompiledRoute> table, HttpContext context, string path)
    {
        var request = context.Request;
        if (!CorsPolicy.IsPreflight(request)) return null;
        Span<Range> captures = stackalloc Range[Math.Max(1, table.MaxCaptureCount)];
        var method = request.Headers.AccessControlRequestMethod.ToString();
        return table.TryMatch(request.Host.Host, method, path, captures, out var match) == RouteLookupResult.Matched
            && match.Value.Security?.Cors is not null ? match.Value : null;
    }
}
