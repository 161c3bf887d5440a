using Gateway.Protocol.Caching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;

namespace Gateway.Actors.Caching;

/// <summary>
/// A memory-bounded store of cached responses by key, used for a node's L1 and for the L2 entries it owns.
/// </summary>
/// <remarks>
/// Built on <see cref="MemoryCache"/> with a <c>SizeLimit</c> (in the framework, thread-safe, well kept): entries count
/// their bytes, and when the limit is reached the store compacts in the background, expired entries first, then the
/// least recently used, while the entry that did not fit is not stored. An own LRU would evict synchronously and exactly,
/// at the price of a lock on every hit; the framework's near-LRU is enough for a cache whose misses cost one fetch.
/// A response with Vary is stored in two steps, as ASP.NET's response caching does: the base key holds a
/// <see cref="VaryRule"/> naming the request headers, and the variant key (base key plus their values) the response.
/// </remarks>
public sealed class CacheStore : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly TimeSpan _staleRetention;

    /// <summary>Creates a store holding about <paramref name="sizeLimit"/> bytes.</summary>
    public CacheStore(long sizeLimit, TimeSpan staleRetention)
    {
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, sizeLimit), CompactionPercentage = 0.1, TrackStatistics = true });
        _staleRetention = staleRetention;
    }

    /// <summary>Entries held now (vary rules included).</summary>
    public int Count => _cache.Count;

    /// <summary>Bytes held now, as counted against the limit.</summary>
    public long Size => _cache.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;

    /// <summary>The response stored for <paramref name="baseKey"/> that matches the request <paramref name="headers"/> (fresh or not), or null.</summary>
    public CachedResponse? Lookup(string baseKey, IHeaderDictionary headers)
    {
        var found = _cache.Get(baseKey);
        if (found is VaryRule rule) found = _cache.Get(CacheKeys.Variant(baseKey, rule.Headers, headers));
        return found as CachedResponse;
    }

    /// <summary>The vary rule stored for <paramref name="baseKey"/>, if responses there vary.</summary>
    public VaryRule? RuleOf(string baseKey) => _cache.Get(baseKey) as VaryRule;

    /// <summary>Stores <paramref name="response"/> for <paramref name="baseKey"/>, for requests with headers like <paramref name="headers"/>.</summary>
    /// <remarks>Kept until its freshness ends, or, with a validator, <c>stale-retention</c> longer so it can be revalidated.</remarks>
    public void Store(string baseKey, CachedResponse response, IHeaderDictionary headers)
    {
        var retention = response.FreshnessLifetime - response.InitialAge;
        if (response.HasValidator) retention += _staleRetention;
        if (retention <= TimeSpan.Zero) return;
        var options = new MemoryCacheEntryOptions { Size = response.Size, AbsoluteExpirationRelativeToNow = retention };
        if (response.Vary.IsDefaultOrEmpty)
        {
            _cache.Set(baseKey, response, options);
            return;
        }
        var rule = new VaryRule(response.Vary, response.Path, response.Query);
        _cache.Set(baseKey, rule, new MemoryCacheEntryOptions { Size = 256, AbsoluteExpirationRelativeToNow = retention + _staleRetention });
        _cache.Set(CacheKeys.Variant(baseKey, response.Vary, headers), response, options);
    }

    /// <summary>Removes <paramref name="baseKey"/> (and, through its rule, nothing else: variants expire on their own).</summary>
    public void Remove(string baseKey) => _cache.Remove(baseKey);

    /// <summary>Removes every entry <paramref name="purge"/> selects; returns how many were removed.</summary>
    public int Purge(PurgeCache purge)
    {
        var removed = 0;
        foreach (var key in _cache.Keys.ToArray())
        {
            var (path, query) = _cache.Get(key) switch
            {
                CachedResponse r => (r.Path, r.Query),
                VaryRule v => (v.Path, v.Query),
                _ => (null, null),
            };
            if (path is null || !purge.Matches(path, query!)) continue;
            _cache.Remove(key);
            removed++;
        }
        return removed;
    }

    /// <inheritdoc />
    public void Dispose() => _cache.Dispose();
}
