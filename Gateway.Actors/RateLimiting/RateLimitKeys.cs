using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.RateLimiting;

/// <summary>What both limiter scopes share: the key of a request and the <c>RateLimit-*</c> headers.</summary>
internal static class RateLimitKeys
{
    /// <summary>The request's key: one for the whole route, a header's value, or the client address.</summary>
    public static string Of(HttpContext context, bool byRoute, string? header, ClientAddressResolver clients) =>
        byRoute ? "" : header is not null ? context.Request.Headers[header].ToString() : clients.Resolve(context);

    /// <summary>Sets the IETF draft headers: the limit, what is left for this key, seconds until it refills.</summary>
    public static void SetHeaders(IHeaderDictionary headers, string limit, long remaining, string reset)
    {
        headers["RateLimit-Limit"] = limit;
        headers["RateLimit-Remaining"] = Math.Max(0, remaining).ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = reset;
    }
}
