using System.Collections.Immutable;
using Gateway.Protocol.Cluster;

namespace Gateway.Protocol.Caching;

/// <summary>
/// Sent by a node's response cache to the L2 owner of a key (through the <c>cache</c> shard region, whose entity is the
/// key's shard) on an L1 miss: answer with the stored response that fits. <see cref="Headers"/> holds only the values of
/// the request headers the stored responses vary on, as far as the asker knows them (none at first); the owner answers
/// <see cref="CachedResponseVaries"/> when it needs others. No other request header, and never a credential, is sent.
/// </summary>
public sealed record GetCachedResponse(string CacheEntityId, string BaseKey, ImmutableDictionary<string, string> Headers) : ICacheEntityMessage;

/// <summary>Reply of an L2 cache entity to <see cref="GetCachedResponse"/>: the response, its age re-based to now.</summary>
public sealed record CachedResponseFound(CachedResponse Response) : IGatewayMessage;

/// <summary>Reply of an L2 cache entity to <see cref="GetCachedResponse"/> when it holds nothing that fits.</summary>
public sealed record CachedResponseMissing : IGatewayMessage
{
    /// <summary>The instance.</summary>
    public static CachedResponseMissing Instance { get; } = new();
}

/// <summary>
/// Reply of an L2 cache entity to <see cref="GetCachedResponse"/> when the responses of the key vary on request headers the
/// ask did not carry: ask again with the values of <see cref="Headers"/> (lower-case names).
/// </summary>
public sealed record CachedResponseVaries(ImmutableArray<string> Headers) : IGatewayMessage;

/// <summary>
/// Sent by a node's response cache to the L2 owner of a key after it stored a response fetched upstream: keep it for the
/// others. <see cref="Headers"/> holds only the values of the request headers the response varies on.
/// </summary>
public sealed record StoreCachedResponse(string CacheEntityId, string BaseKey, ImmutableDictionary<string, string> Headers, CachedResponse Response) : ICacheEntityMessage;

/// <summary>
/// Published to every node (cluster pub-sub) by the node where a purge was asked: remove from L1 and from the L2 entries
/// you own every response whose path starts with <see cref="Prefix"/>, or that answers exactly <see cref="Target"/>
/// (path and query).
/// </summary>
public sealed record PurgeCache(string? Prefix, string? Target) : IGatewayMessage
{
    /// <summary>True when a response for <paramref name="path"/> and <paramref name="query"/> (with '?', or empty) is selected.</summary>
    public bool Matches(string path, string query)
    {
        if (Prefix is not null) return path.StartsWith(Prefix, StringComparison.Ordinal);
        if (Target is null) return false;
        var q = Target.IndexOf('?');
        return q < 0
            ? query.Length == 0 && path == Target
            : Target.AsSpan(0, q).SequenceEqual(path) && Target.AsSpan(q).SequenceEqual(query);
    }
}
