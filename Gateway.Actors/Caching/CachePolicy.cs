using System.Collections.Immutable;
using System.Globalization;
using Gateway.Protocol.Caching;
using Microsoft.Net.Http.Headers;

namespace Gateway.Actors.Caching;

/// <summary>
/// The RFC 9111 rules of a shared cache, as pure functions over header values and an explicit "now": what a request may
/// use, whether a response may be stored and for how long, and whether a stored one is still fresh. Cache-Control and
/// dates are parsed by ASP.NET's <c>Microsoft.Net.Http.Headers</c>, not by hand.
/// </summary>
internal static class CachePolicy
{
    /// <summary>How <paramref name="method"/> with these request headers uses the cache.</summary>
    public static RequestCacheMode ForRequest(string method, string? cacheControl, string? pragma, bool hasRange)
    {
        if (!(HttpMethodsEqual(method, "GET") || HttpMethodsEqual(method, "HEAD")) || hasRange) return RequestCacheMode.Bypass;
        if (cacheControl is not null && CacheControlHeaderValue.TryParse(cacheControl, out var cc))
        {
            if (cc!.NoStore) return RequestCacheMode.Bypass;
            if (cc.NoCache || cc.MaxAge == TimeSpan.Zero) return RequestCacheMode.Refresh;
        }
        // HTTP/1.0 clients' way of saying no-cache, honoured only without Cache-Control (RFC 9111 §5.4).
        if (cacheControl is null && pragma is not null && pragma.Contains("no-cache", StringComparison.OrdinalIgnoreCase)) return RequestCacheMode.Refresh;
        return RequestCacheMode.Lookup;
    }

    /// <summary>
    /// Whether a response described by <paramref name="facts"/> may be stored by the route's shared cache, received at
    /// <paramref name="now"/> for a request that did (or did not) carry Authorization.
    /// </summary>
    public static StoreDecision Decide(in ResponseFacts facts, CacheDefinition route, bool requestHadAuthorization, DateTimeOffset now)
    {
        CacheControlHeaderValue? cc = null;
        if (facts.CacheControl is not null && !CacheControlHeaderValue.TryParse(facts.CacheControl, out cc)) return StoreDecision.No("unparsable Cache-Control");
        if (cc is { NoStore: true }) return StoreDecision.No("no-store");
        // A shared cache never stores private responses (RFC 9111 §5.2.2.7); the qualified form is treated as unqualified.
        if (cc is { Private: true }) return StoreDecision.No("private");
        // §3.5: a response to a request with Authorization is shared only when it says so.
        if (requestHadAuthorization && cc is not ({ Public: true } or { SharedMaxAge: not null } or { MustRevalidate: true }))
            return StoreDecision.No("request had Authorization");
        if (facts.HasSetCookie && !route.AllowSetCookie) return StoreDecision.No("Set-Cookie");

        var vary = ParseVary(facts.Vary);
        if (vary.Contains("*")) return StoreDecision.No("Vary: *");

        var noCache = cc is { NoCache: true };
        var hasValidator = facts.ETag is not null || facts.LastModified is not null;
        var lifetime = ExplicitLifetime(cc, facts.Expires, facts.Date, now);
        var isExplicit = lifetime is not null;
        lifetime ??= route.DefaultTtl;
        // A no-cache response is revalidated on every use, so its freshness never matters: it is stored without one.
        if (lifetime is null && noCache && hasValidator) lifetime = TimeSpan.Zero;
        if (!IsStorableStatus(facts.Status, isExplicit)) return StoreDecision.No($"status {facts.Status}");
        if (lifetime is null) return StoreDecision.No("no freshness (max-age, s-maxage, Expires) and no default-ttl");

        // Without a validator a response that must be revalidated (or is stale on arrival) could only ever be refetched.
        if ((noCache || lifetime <= TimeSpan.Zero) && !hasValidator) return StoreDecision.No(noCache ? "no-cache without validator" : "stale on arrival");
        return new StoreDecision(true, "", lifetime.Value, ParseAge(facts.Age), noCache, vary);
    }

    /// <summary>
    /// Statuses stored: those RFC 9110 §15.1 makes heuristically cacheable, plus 302 and 307 when the response states its
    /// freshness. 206 (partial) and 304 are never stored; errors other than those listed are not either.
    /// </summary>
    public static bool IsStorableStatus(int status, bool explicitFreshness) => status switch
    {
        200 or 203 or 204 or 300 or 301 or 308 or 404 or 405 or 410 or 414 or 501 => true,
        302 or 307 => explicitFreshness,
        _ => false,
    };

    /// <summary>Age of <paramref name="response"/> at <paramref name="now"/> (RFC 9111 §4.2.3, with the age it arrived with).</summary>
    public static TimeSpan CurrentAge(CachedResponse response, DateTimeOffset now)
    {
        var resident = now - response.ResponseTime;
        return response.InitialAge + (resident > TimeSpan.Zero ? resident : TimeSpan.Zero);
    }

    /// <summary>True when <paramref name="response"/> may be served at <paramref name="now"/> without asking the upstream.</summary>
    public static bool IsFresh(CachedResponse response, DateTimeOffset now) =>
        !response.NoCache && CurrentAge(response, now) < response.FreshnessLifetime;

    /// <summary>
    /// How long past its freshness <paramref name="response"/> may be served when the upstream fails (RFC 5861): its own
    /// <c>Cache-Control: stale-if-error=N</c>, else the route's <paramref name="routeWindow"/>. The route's window does not
    /// apply to a response that forbids serving it stale (<c>must-revalidate</c>, <c>proxy-revalidate</c>, <c>no-cache</c>);
    /// the response's own directive does, "regardless of other freshness information" (RFC 5861 §4). Zero when none.
    /// </summary>
    public static TimeSpan StaleIfErrorWindow(CachedResponse response, TimeSpan? routeWindow)
    {
        CacheControlHeaderValue? cc = null;
        foreach (var header in response.Headers)
        {
            if (!header.Name.Equals(HeaderNames.CacheControl, StringComparison.OrdinalIgnoreCase)) continue;
            if (!CacheControlHeaderValue.TryParse(string.Join(", ", header.Values), out cc)) return TimeSpan.Zero;
            break;
        }
        if (cc is not null)
        {
            foreach (var extension in cc.Extensions)
            {
                // An invalid value is ignored, as an unknown directive would be.
                if (extension.Name.Equals("stale-if-error", StringComparison.OrdinalIgnoreCase)
                    && long.TryParse(extension.Value.ToString().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < int.MaxValue)
                    return TimeSpan.FromSeconds(seconds);
            }
            if (cc.MustRevalidate || cc.ProxyRevalidate || cc.NoCache) return TimeSpan.Zero;
        }
        return response.NoCache ? TimeSpan.Zero : routeWindow ?? TimeSpan.Zero;
    }

    /// <summary>
    /// True when <paramref name="response"/>, no longer fresh at <paramref name="now"/>, may still be served because the
    /// upstream failed: its age is within its freshness plus <see cref="StaleIfErrorWindow"/>.
    /// </summary>
    public static bool MayServeStaleOnError(CachedResponse response, TimeSpan? routeWindow, DateTimeOffset now) =>
        StaleIfErrorWindow(response, routeWindow) is var window && window > TimeSpan.Zero
        && CurrentAge(response, now) < (response.NoCache ? TimeSpan.Zero : response.FreshnessLifetime) + window;

    /// <summary>The Age header value (whole seconds) for <paramref name="response"/> served at <paramref name="now"/>.</summary>
    public static string AgeHeader(CachedResponse response, DateTimeOffset now) =>
        ((long)CurrentAge(response, now).TotalSeconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>The header names of a Vary value: lower case, sorted, without duplicates; <c>*</c> kept as such.</summary>
    public static ImmutableArray<string> ParseVary(string? vary)
    {
        if (string.IsNullOrWhiteSpace(vary)) return [];
        return [.. vary.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => v.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal)];
    }

    // s-maxage wins for a shared cache, then max-age, then Expires - Date (RFC 9111 §4.2.1). An invalid Expires means
    // already expired.
    private static TimeSpan? ExplicitLifetime(CacheControlHeaderValue? cc, string? expires, string? date, DateTimeOffset now)
    {
        if (cc?.SharedMaxAge is { } shared) return shared;
        if (cc?.MaxAge is { } max) return max;
        if (expires is null) return null;
        if (!HeaderUtilities.TryParseDate(expires, out var expiresAt)) return TimeSpan.Zero;
        var origin = date is not null && HeaderUtilities.TryParseDate(date, out var dateValue) ? dateValue : now;
        return expiresAt - origin;
    }

    private static TimeSpan ParseAge(string? age) =>
        age is not null && long.TryParse(age.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < int.MaxValue
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.Zero;

    private static bool HttpMethodsEqual(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
