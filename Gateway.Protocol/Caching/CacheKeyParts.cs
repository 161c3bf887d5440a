namespace Gateway.Protocol.Caching;

/// <summary>The names a cache key part may have in <see cref="CacheDefinition.Key"/>.</summary>
public static class CacheKeyParts
{
    /// <summary>The request's host name (without the port: nodes behind one balancer listen on different ports).</summary>
    public const string Host = "host";

    /// <summary>The request path (always part of the key).</summary>
    public const string Path = "path";

    /// <summary>The query string as sent.</summary>
    public const string Query = "query";

    /// <summary>The method: implicit, since only GET responses are stored.</summary>
    public const string Method = "method";

    /// <summary>Prefix of a request header part, e.g. <c>header:Accept-Language</c>.</summary>
    public const string HeaderPrefix = "header:";

    /// <summary>The key used when a route names none.</summary>
    public static readonly string[] Default = [Host, Path, Query];
}
