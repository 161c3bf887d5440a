using Gateway.Protocol.Caching;

namespace Gateway.Protocol.Validation;

/// <summary>Checks of a route's cache section.</summary>
public static partial class DefinitionValidator
{
    /// <summary>Largest body a route may ask to cache: an entry is held in memory whole, and sent whole to its cluster owner.</summary>
    public const long MaxCacheBodySize = 64L * 1024 * 1024;

    private static void ValidateCache(CacheDefinition cache, bool hasAuth, string at, bool kebabCase, List<ValidationError> errors)
    {
        for (var i = 0; i < cache.Key.Length; i++)
        {
            var part = cache.Key[i];
            var known = part is CacheKeyParts.Host or CacheKeyParts.Path or CacheKeyParts.Query or CacheKeyParts.Method
                || part.StartsWith(CacheKeyParts.HeaderPrefix, StringComparison.Ordinal) && TokenPattern().IsMatch(part[CacheKeyParts.HeaderPrefix.Length..]);
            if (!known) errors.Add(new($"{at}.key[{i}]", $"'{part}' is not one of host, path, query, method, header:NAME"));
        }
        if (cache.DefaultTtl is { } ttl && ttl <= TimeSpan.Zero)
            errors.Add(new($"{at}.{Field("", "defaultTtl", kebabCase)}", "must be greater than zero"));
        if (cache.StaleIfError is { } stale && stale <= TimeSpan.Zero)
            errors.Add(new($"{at}.{Field("", "staleIfError", kebabCase)}", "must be greater than zero"));
        if (cache.MaxBodySize is < 0 or > MaxCacheBodySize)
            errors.Add(new($"{at}.{Field("", "maxBodySize", kebabCase)}", $"must be between 0 and {MaxCacheBodySize} bytes (64MiB)"));

        // The identity rule: entries of an authenticated route are per identity unless the route says otherwise, and
        // these two fields only make sense where there is an identity.
        var shared = $"{at}.{Field("", "sharedAcrossIdentities", kebabCase)}";
        var claimAt = $"{at}.{Field("", "identityClaim", kebabCase)}";
        if (cache.SharedAcrossIdentities && !hasAuth)
            errors.Add(new(shared, "applies only to a route with an auth policy (a route without one has no identity to share across)"));
        if (cache.IdentityClaim is { } claim)
        {
            if (claim.Length == 0 || claim.Length > 256 || claim.AsSpan().IndexOfAnyInRange('\0', ' ') >= 0)
                errors.Add(new(claimAt, "must be a claim name of 1 to 256 characters without spaces or control characters"));
            if (!hasAuth) errors.Add(new(claimAt, "applies only to a route with an auth policy"));
            if (cache.SharedAcrossIdentities) errors.Add(new(claimAt, $"cannot be set together with {Field("", "sharedAcrossIdentities", kebabCase)} (one entry for all callers has no identity in its key)"));
        }
    }
}
