using Gateway.Actors.Caching;
using Gateway.Protocol.Caching;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.Actors.Caching;

/// <summary>The memory-bounded store behind L1 and L2: the byte bound, least-recently-used eviction, Vary variants, purges.</summary>
public sealed class CacheStoreTests
{
    private static readonly HeaderDictionary NoHeaders = new();

    private static CachedResponse Response(string path, int bytes, params string[] vary) => new()
    {
        Status = 200, Body = new byte[bytes], FreshnessLifetime = TimeSpan.FromMinutes(5), ResponseTime = DateTimeOffset.UtcNow, Path = path, Vary = [.. vary],
    };

    [Fact]
    public async Task OverTheLimit_TheLeastRecentlyUsedEntryGoes()
    {
        // Nine entries of ~1.5 KB (1 KB body and the entry overhead) fill 15 KB past the 90 % low watermark; the tenth does not fit and starts a compaction.
        using var store = new CacheStore(sizeLimit: 15_000, maxEntries: 1000, staleRetention: TimeSpan.Zero);
        for (var i = 0; i < 9; i++)
        {
            store.Store($"k{i}", Response($"/{i}", 1000), NoHeaders);
            await Task.Delay(5);
        }
        Assert.NotNull(store.Lookup("k0", NoHeaders)); // k0 is now the most recently used; k1 the least
        await Task.Delay(5);
        store.Store("k9", Response("/9", 1000), NoHeaders);

        // Wait without lookups (a lookup is a use, and would change which entry is least recently used).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (store.Count > 8)
        {
            Assert.True(DateTime.UtcNow < deadline, $"nothing was evicted within 5 s; {store.Count} entries, {store.Size} bytes");
            await Task.Delay(20);
        }
        Assert.Null(store.Lookup("k1", NoHeaders));
        Assert.NotNull(store.Lookup("k0", NoHeaders));
        Assert.True(store.Size <= 15_000, $"store holds {store.Size} bytes");
    }

    [Fact]
    public void Vary_StoresOneVariantPerHeaderValue()
    {
        using var store = new CacheStore(1_000_000, 1000, TimeSpan.Zero);
        var en = new HeaderDictionary { ["Accept-Language"] = "en" };
        var de = new HeaderDictionary { ["Accept-Language"] = "de" };
        var enResponse = Response("/v", 10, "accept-language");
        store.Store("k", enResponse, en);

        Assert.Same(enResponse, store.Lookup("k", en));
        Assert.Null(store.Lookup("k", de));
        Assert.Equal(["accept-language"], store.RuleOf("k")!.Headers.ToArray());
    }

    [Fact]
    public void Purge_RemovesWhatItSelects_AndReportsHowMany()
    {
        using var store = new CacheStore(1_000_000, 1000, TimeSpan.Zero);
        store.Store("1", Response("/api/a", 10), NoHeaders);
        store.Store("2", Response("/api/b", 10), NoHeaders);
        store.Store("3", Response("/web/a", 10), NoHeaders);

        Assert.Equal(2, store.Purge(new PurgeCache("/api/", null)));
        Assert.Null(store.Lookup("1", NoHeaders));
        Assert.NotNull(store.Lookup("3", NoHeaders));
    }

    [Fact]
    public void AStaleResponse_IsKeptForItsStaleIfErrorWindow_NotLonger()
    {
        using var store = new CacheStore(1_000_000, 1000, TimeSpan.Zero);
        var expired = Response("/x", 10) with { InitialAge = TimeSpan.FromMinutes(6) }; // one minute past its freshness
        store.Store("window", expired, NoHeaders, staleIfError: TimeSpan.FromMinutes(10));
        Assert.NotNull(store.Lookup("window", NoHeaders));
        store.Store("short", expired, NoHeaders, staleIfError: TimeSpan.FromSeconds(30));
        Assert.Null(store.Lookup("short", NoHeaders));
    }

    [Fact]
    public void AStaleResponseWithoutValidator_IsNotKept()
    {
        using var store = new CacheStore(1_000_000, 1000, TimeSpan.FromMinutes(10));
        store.Store("old", Response("/x", 10) with { InitialAge = TimeSpan.FromMinutes(6) }, NoHeaders);
        Assert.Null(store.Lookup("old", NoHeaders));
        store.Store("etag", Response("/x", 10) with { InitialAge = TimeSpan.FromMinutes(6), ETag = "\"e\"" }, NoHeaders);
        Assert.NotNull(store.Lookup("etag", NoHeaders)); // kept for revalidation
    }

    [Theory]
    // name, size limit, max entries, body bytes: the count binds small entries, the bytes bind large ones.
    [InlineData("tiny entries, count binds", 64L * 1024 * 1024, 500, 0)]
    [InlineData("large entries, bytes bind", 256L * 1024, 100_000, 4096)]
    [InlineData("long keys count as bytes", 256L * 1024, 100_000, 0)]
    public async Task UniqueKeyFlood_StaysWithinBytesAndEntries(string name, long sizeLimit, int maxEntries, int body)
    {
        using var store = new CacheStore(sizeLimit, maxEntries, TimeSpan.Zero);
        var keyPad = name.StartsWith("long", StringComparison.Ordinal) ? new string('q', 4000) : "";
        for (var i = 0; i < 50_000; i++)
        {
            store.Store($"item?id={i}{keyPad}", Response($"/item/{i}", body), NoHeaders);
            Assert.True(store.Size <= sizeLimit, $"{name}: {store.Size} bytes after {i + 1} stores, limit {sizeLimit}");
        }
        // Compaction runs in the background; whatever it leaves, the bounds hold and recent keys are served.
        await Task.Delay(100);
        Assert.True(store.Count <= maxEntries, $"{name}: {store.Count} entries, limit {maxEntries}");
        Assert.True(store.Size <= sizeLimit, $"{name}: {store.Size} bytes, limit {sizeLimit}");
        Assert.True(store.Count > 0, $"{name}: the store holds nothing");
        Assert.All(store.Snapshot(), entry => Assert.True(store.Cost(entry.Key, entry.Value) >= 512 + 2 * entry.Key.Length));
    }

    [Fact]
    public void OwnerLookup_NamesTheVaryHeaders_UntilTheAskCarriesThem()
    {
        using var store = new CacheStore(1_000_000, 1000, TimeSpan.Zero);
        var response = Response("/v", 10, "accept-language");
        store.Store("k", response, new HeaderDictionary { ["Accept-Language"] = "en" });

        Assert.Null(store.Lookup("k", System.Collections.Immutable.ImmutableDictionary<string, string>.Empty, out var varies));
        Assert.Equal(["accept-language"], varies.ToArray());
        var en = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("accept-language", "en");
        Assert.Same(response, store.Lookup("k", en, out varies));
        Assert.True(varies.IsDefaultOrEmpty);
    }

    [Fact]
    public void RemoveByPrefix_DropsOneShardsEntriesOnly()
    {
        using var store = new CacheStore(1_000_000, 1000, TimeSpan.Zero);
        store.Store(CacheEntity.StoreKey("3", "a"), Response("/a", 10), NoHeaders);
        store.Store(CacheEntity.StoreKey("3", "b"), Response("/b", 10, "accept"), NoHeaders);
        store.Store(CacheEntity.StoreKey("31", "a"), Response("/a", 10), NoHeaders);

        Assert.Equal(3, store.RemoveByPrefix(CacheEntity.StoreKey("3", ""))); // a, b's rule and b's variant
        Assert.Equal(1, store.Count);
    }
}
