namespace Gateway.Actors.Caching;

/// <summary>How a request on a cached route uses the cache.</summary>
internal enum RequestCacheMode
{
    /// <summary>Look up a stored response; on a miss fetch and store.</summary>
    Lookup,

    /// <summary>The client asked for an end-to-end reload (<c>no-cache</c>): skip the lookup, but store what comes back.</summary>
    Refresh,

    /// <summary>Neither look up nor store: not GET/HEAD, a Range request, or the client said <c>no-store</c>.</summary>
    Bypass,
}
