using System.Collections.Immutable;
using Gateway.Protocol.Caching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;

namespace Gateway.Actors.Caching;

/// <summary>
/// A store of cached responses by key bounded by bytes and by entries, used for a node's L1 and for the L2 entries it owns.
/// </summary>
/// <remarks>
/// Built on <see cref="MemoryCache"/> with a <c>SizeLimit</c> (in the framework, thread-safe, well kept): entries count
/// their bytes, and when the limit is reached the store compacts in the background, expired entries first, then the
/// least recently used, while the entry that did not fit is not stored. An own LRU would evict synchronously and exactly,
/// at the price of a lock on every hit; the framework's near-LRU is enough for a cache whose misses cost one fetch.
/// The bound is on what an entry really holds: its key, its headers and body, and a fixed overhead for the objects
/// around them, so a flood of unique keys with tiny responses fills the store as surely as large ones do. Each entry
/// also counts at least <c>size-limit / max-entries</c>, which bounds the number of entries.
/// A response with Vary is stored in two steps, as ASP.NET's response caching does: the base key holds a
/// <see cref="VaryRule"/> naming the request headers, and the variant key (base key plus their values) the response.
/// </remarks>
public sealed class CacheStore : IDisposable
{
    // Objects around each entry besides its strings and body: MemoryCache's entry and its dictionary node, the
    // CachedResponse or VaryRule, the header arrays; a generous estimate for .NET x64, checked by ops/bench/cache-flood.sh.
    private const int EntryOverhead = 512;
    private const int HeaderOverhead = 96;

    private readonly MemoryCache _cache;
    private readonly TimeSpan _staleRetention;
    private readonly long _minCost;

    /// <summary>Creates a store holding at most about <paramref name="sizeLimit"/> bytes in at most <paramref name="maxEntries"/> entries.</summary>
    public CacheStore(long sizeLimit, int maxEntries, TimeSpan staleRetention)
    {
        SizeLimit = Math.Max(1, sizeLimit);
        MaxEntries = Math.Max(1, maxEntries);
        _minCost = (SizeLimit + MaxEntries - 1) / MaxEntries;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = SizeLimit, CompactionPercentage = 0.1, TrackStatistics = true });
        _staleRetention = staleRetention;
    }

    /// <summary>The bound in bytes.</summary>
    public long SizeLimit { get; }

    /// <summary>The bound in entries (vary rules included).</summary>
    public int MaxEntries { get; }

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

    /// <summary>
    /// The L2 owner's lookup: the response for <paramref name="baseKey"/> that the <paramref name="selected"/> header
    /// values pick, or null; when responses there vary on headers <paramref name="selected"/> does not carry,
    /// <paramref name="varies"/> names them so the asker can send exactly those.
    /// </summary>
    public CachedResponse? Lookup(string baseKey, ImmutableDictionary<string, string> selected, out ImmutableArray<string> varies)
    {
        varies = [];
        var found = _cache.Get(baseKey);
        if (found is VaryRule rule)
        {
            if (!rule.Headers.All(selected.ContainsKey))
            {
                varies = rule.Headers;
                return null;
            }
            found = _cache.Get(CacheKeys.Variant(baseKey, rule.Headers, CacheKeys.ToHeaders(selected)));
        }
        return found as CachedResponse;
    }

    /// <summary>The vary rule stored for <paramref name="baseKey"/>, if responses there vary.</summary>
    public VaryRule? RuleOf(string baseKey) => _cache.Get(baseKey) as VaryRule;

    /// <summary>Stores <paramref name="response"/> for <paramref name="baseKey"/>, for requests with headers like <paramref name="headers"/>.</summary>
    /// <remarks>
    /// Kept until its freshness ends, or longer: with a validator <c>stale-retention</c> so it can be revalidated, and
    /// <paramref name="staleIfError"/> (its stale-if-error window) so it can be served when the upstream fails, whichever
    /// is longer. Either way the entry still counts against the store's bounds and may be evicted before.
    /// </remarks>
    public void Store(string baseKey, CachedResponse response, IHeaderDictionary headers, TimeSpan staleIfError = default)
    {
        var retention = response.FreshnessLifetime - response.InitialAge;
        var extra = response.HasValidator ? _staleRetention : TimeSpan.Zero;
        retention += staleIfError > extra ? staleIfError : extra;
        if (retention <= TimeSpan.Zero) return;
        if (response.Vary.IsDefaultOrEmpty)
        {
            Set(baseKey, response, Cost(baseKey, response), retention);
            return;
        }
        var rule = new VaryRule(response.Vary, response.Path, response.Query);
        var variant = CacheKeys.Variant(baseKey, response.Vary, headers);
        Set(baseKey, rule, Cost(baseKey, rule), retention + _staleRetention);
        Set(variant, response, Cost(variant, response), retention);
    }

    /// <summary>What an entry counts against the bounds: its bytes in memory, at least the share of one entry.</summary>
    internal long Cost(string key, object value)
    {
        long bytes = EntryOverhead + 2L * key.Length;
        switch (value)
        {
            case CachedResponse response:
                bytes += response.Body.Length + 2L * (response.Path.Length + response.Query.Length);
                foreach (var header in response.Headers)
                {
                    bytes += HeaderOverhead + 2L * header.Name.Length;
                    foreach (var v in header.Values) bytes += 24 + 2L * v.Length;
                }
                break;
            case VaryRule rule:
                bytes += 2L * (rule.Path.Length + rule.Query.Length);
                foreach (var name in rule.Headers) bytes += 24 + 2L * name.Length;
                break;
        }
        return Math.Max(bytes, _minCost);
    }

    private void Set(string key, object value, long cost, TimeSpan retention)
    {
        // An entry bigger than the whole store would only evict everything else and then not fit.
        if (cost > SizeLimit) return;
        _cache.Set(key, value, new MemoryCacheEntryOptions { Size = cost, AbsoluteExpirationRelativeToNow = retention });
    }

    /// <summary>Removes <paramref name="baseKey"/> (and, through its rule, nothing else: variants expire on their own).</summary>
    public void Remove(string baseKey) => _cache.Remove(baseKey);

    /// <summary>Removes every entry whose key starts with <paramref name="prefix"/> (an L2 shard's entries when it moves away); returns how many.</summary>
    public int RemoveByPrefix(string prefix)
    {
        var removed = 0;
        foreach (var key in _cache.Keys.ToArray())
        {
            if (key is not string s || !s.StartsWith(prefix, StringComparison.Ordinal)) continue;
            _cache.Remove(key);
            removed++;
        }
        return removed;
    }

    /// <summary>The keys and values held now, for tests and diagnostics (a snapshot; values may expire meanwhile).</summary>
    internal IEnumerable<KeyValuePair<string, object>> Snapshot()
    {
        foreach (var key in _cache.Keys.ToArray())
        {
            if (key is string s && _cache.Get(s) is { } value) yield return new(s, value);
        }
    }

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
