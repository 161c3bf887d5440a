using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Gateway.Protocol.Caching;

/// <summary>
/// A stored response: status, the end-to-end headers, the body, and what its freshness is computed from
/// (RFC 9111 §4.2). Immutable; a revalidation makes a new one. Travels inside the L2 cache messages.
/// </summary>
/// <remarks>
/// Times are local to the node holding the copy: a copy sent to another node carries its current age in
/// <see cref="InitialAge"/> and is re-based there on arrival, so node clocks need not agree.
/// </remarks>
public sealed record CachedResponse
{
    /// <summary>The status code.</summary>
    public int Status { get; init; }

    /// <summary>End-to-end headers as received (no hop-by-hop headers, no Content-Length, no Age, no Set-Cookie).</summary>
    public ImmutableArray<CachedHeader> Headers { get; init; } = [];

    /// <summary>The whole body.</summary>
    public byte[] Body { get; init; } = [];

    /// <summary>When the response was received (or arrived from another node), on this node's clock.</summary>
    public DateTimeOffset ResponseTime { get; init; }

    /// <summary>Age the response already had at <see cref="ResponseTime"/> (its Age header, or its age on the sending node).</summary>
    public TimeSpan InitialAge { get; init; }

    /// <summary>How long it is fresh from its origin (s-maxage, max-age, Expires - Date, or the route's default ttl).</summary>
    public TimeSpan FreshnessLifetime { get; init; }

    /// <summary>Response said <c>no-cache</c>: every use must be revalidated with the upstream first.</summary>
    public bool NoCache { get; init; }

    /// <summary>The ETag, for revalidation (If-None-Match); null when none.</summary>
    public string? ETag { get; init; }

    /// <summary>The Last-Modified date as sent, for revalidation (If-Modified-Since); null when none.</summary>
    public string? LastModified { get; init; }

    /// <summary>Request header names (lower case, sorted) the response varies on; empty when it has no Vary.</summary>
    public ImmutableArray<string> Vary { get; init; } = [];

    /// <summary>The request path it answers, for purges by prefix.</summary>
    public string Path { get; init; } = "";

    /// <summary>The query string (with '?') it answers, or empty, for purges by target.</summary>
    public string Query { get; init; } = "";

    /// <summary>Bytes it holds in memory, roughly: body plus headers; what the memory bounds count.</summary>
    [JsonIgnore]
    public long Size => Body.Length + 64 + Headers.Sum(h => h.Name.Length + h.Values.Sum(v => v.Length + 8));

    /// <summary>True when it has a validator to revalidate with.</summary>
    [JsonIgnore]
    public bool HasValidator => ETag is not null || LastModified is not null;
}
