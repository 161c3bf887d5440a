using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.RateLimiting;

/// <summary>What both limiter scopes share: the key of a request and the <c>RateLimit-*</c> headers.</summary>
internal static class RateLimitKeys
{
    /// <summary>The request's key: one for the whole route, a header's value, an authenticated claim, or the client address.</summary>
    /// <remarks>A claim key (<c>claim:NAME</c>, <c>api-key</c>) reads the identity the route's auth policy established.</remarks>
    public static string Of(HttpContext context, bool byRoute, string? header, ClientAddressResolver clients, string? claim = null) =>
        byRoute ? "" : header is not null ? context.Request.Headers[header].ToString()
            : claim is not null ? Security.GatewayIdentity.KeyOf(context, claim) : clients.Resolve(context);

    /// <summary>The claim a rate-limit key reads (<c>claim:NAME</c>, or <see cref="Security.GatewayIdentity.ApiKeyClaim"/> for <c>api-key</c>), else null.</summary>
    public static string? ClaimOf(string key) =>
        key == "api-key" ? Security.GatewayIdentity.ApiKeyClaim : key.StartsWith("claim:", StringComparison.Ordinal) ? key[6..] : null;

    /// <summary>Sets the IETF draft headers: the limit, what is left for this key, seconds until it refills.</summary>
    public static void SetHeaders(IHeaderDictionary headers, string limit, long remaining, string reset)
    {
        headers["RateLimit-Limit"] = limit;
        headers["RateLimit-Remaining"] = Text(Math.Max(0, remaining));
        headers["RateLimit-Reset"] = reset;
    }

    // Remaining counts of typical limits are small: their text is formatted once per process, not per request.
    private static readonly string?[] SmallNumbers = new string?[1024];

    private static string Text(long value)
    {
        if (value >= SmallNumbers.Length) return value.ToString(CultureInfo.InvariantCulture);
        return SmallNumbers[value] ??= value.ToString(CultureInfo.InvariantCulture);
    }
}
