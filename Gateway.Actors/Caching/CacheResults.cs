namespace Gateway.Actors.Caching;

/// <summary>Values of the <c>X-Cache</c> header on responses of cached routes.</summary>
internal static class CacheResults
{
    /// <summary>Header name.</summary>
    public const string Header = "X-Cache";

    /// <summary>Served from this node's memory (L1).</summary>
    public const string Hit = "HIT";

    /// <summary>Served from the cluster (L2, the key's owner node) without asking the upstream.</summary>
    public const string HitCluster = "HIT-CLUSTER";

    /// <summary>Waited for a concurrent request for the same key and served its stored response.</summary>
    public const string Collapsed = "COLLAPSED";

    /// <summary>A stale stored response was confirmed by the upstream (304) and served.</summary>
    public const string Revalidated = "REVALIDATED";

    /// <summary>The upstream failed (unavailable, timeout, shed, 5xx) and a stale entry within its stale-if-error window was served instead.</summary>
    public const string Stale = "STALE";

    /// <summary>Fetched from the upstream (and stored if the response allows it).</summary>
    public const string Miss = "MISS";

    /// <summary>The request cannot use the cache (not GET/HEAD, Range, or the client said no-store).</summary>
    public const string Bypass = "BYPASS";
}
