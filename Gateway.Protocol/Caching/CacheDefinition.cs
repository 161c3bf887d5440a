using System.Collections.Immutable;

namespace Gateway.Protocol.Caching;

/// <summary>
/// A route's response cache: what makes up the cache key, how long a response without its own freshness may be kept,
/// and which responses may be stored. Only GET responses are stored; HEAD is answered from them.
/// </summary>
public sealed record CacheDefinition
{
    /// <summary>
    /// Parts of the cache key besides the route: <c>host</c>, <c>path</c> (always), <c>query</c>, <c>header:NAME</c>;
    /// <c>method</c> is accepted and implicit (GET). Empty uses <c>[host, path, query]</c>.
    /// </summary>
    public ImmutableArray<string> Key { get; init; } = [];

    /// <summary>Freshness given to a cacheable response that states none (no max-age, s-maxage or Expires); null stores only responses that state it.</summary>
    public TimeSpan? DefaultTtl { get; init; }

    /// <summary>Largest response body stored, in bytes; bigger ones stream through uncached. Null uses <c>gateway.cache.max-body-size</c>.</summary>
    public long? MaxBodySize { get; init; }

    /// <summary>Store responses that carry Set-Cookie (the stored copy drops the cookie, so hits never replay it).</summary>
    public bool AllowSetCookie { get; init; }

    /// <summary>
    /// How long past its freshness an entry may still be served, marked <c>X-Cache: STALE</c>, when the upstream fails
    /// (error, timeout, unavailable); a response's own <c>Cache-Control: stale-if-error=N</c> (RFC 5861) wins. Null serves no stale entry.
    /// </summary>
    public TimeSpan? StaleIfError { get; init; }

    /// <summary>Share stored responses with the other nodes through the cluster (L2); off keeps them in this node's memory only.</summary>
    public bool Cluster { get; init; } = true;

    /// <summary>
    /// On a route with an auth policy, keep one entry for every authenticated caller instead of one per identity. Off by
    /// default: the identity (API-key name, JWT <c>sub</c>, or <see cref="IdentityClaim"/>) is part of the key.
    /// </summary>
    public bool SharedAcrossIdentities { get; init; }

    /// <summary>
    /// The claim whose value keys entries on a route with an auth policy (e.g. a tenant claim shared by its callers);
    /// null keys by the API-key name or the JWT <c>sub</c>.
    /// </summary>
    public string? IdentityClaim { get; init; }
}
