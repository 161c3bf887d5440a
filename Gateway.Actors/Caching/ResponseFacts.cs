namespace Gateway.Actors.Caching;

/// <summary>What the cache policy reads of an upstream response: its status and the header values that bear on storing it.</summary>
internal readonly record struct ResponseFacts(
    int Status,
    string? CacheControl = null,
    string? Expires = null,
    string? Date = null,
    string? Age = null,
    string? Vary = null,
    bool HasSetCookie = false,
    string? ETag = null,
    string? LastModified = null);
