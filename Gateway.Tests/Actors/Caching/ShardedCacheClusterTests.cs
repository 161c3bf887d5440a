using Akka.TestKit.Xunit2;
using Gateway.Actors.Caching;
using Gateway.Protocol.Caching;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.Actors.Caching;

/// <summary>What the L2 owner receives from a node: the key, its shard, and only the values of the headers responses vary on.</summary>
public sealed class ShardedCacheClusterTests : TestKit
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private static HeaderDictionary Request() => new()
    {
        ["Authorization"] = "Bearer secret-token",
        ["X-Api-Key"] = "key-alice",
        ["Cookie"] = "session=abc",
        ["Accept-Language"] = "fr",
        ["X-Other"] = "other",
    };

    [Fact]
    public async Task Ask_SendsNoHeaderAtFirst_ThenOnlyTheOnesTheOwnerNamed()
    {
        var region = CreateTestProbe();
        var cluster = new ShardedCacheCluster(region.Ref, 60, AskTimeout, TimeProvider.System);

        var get = cluster.GetAsync("r\u001fkey", Request(), [], "X-Api-Key");
        var first = region.ExpectMsg<GetCachedResponse>();
        Assert.Empty(first.Headers);
        Assert.Equal(CacheKeys.ShardOf("r\u001fkey", 60), first.CacheEntityId);
        region.Reply(new CachedResponseVaries(["accept-language"]));

        var second = region.ExpectMsg<GetCachedResponse>();
        Assert.Equal([new KeyValuePair<string, string>("accept-language", "fr")], second.Headers.ToArray());
        region.Reply(CachedResponseMissing.Instance);
        Assert.Null(await get);
    }

    [Fact]
    public async Task Ask_ForResponsesVaryingOnACredential_IsNeverSent()
    {
        var region = CreateTestProbe();
        var cluster = new ShardedCacheCluster(region.Ref, 60, AskTimeout, TimeProvider.System);

        Assert.Null(await cluster.GetAsync("k", Request(), ["x-api-key"], "X-Api-Key"));
        Assert.Null(await cluster.GetAsync("k", Request(), ["authorization"], null));
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // Nor the second round, when it is the owner that names the credential.
        var get = cluster.GetAsync("k", Request(), [], "X-Api-Key");
        region.ExpectMsg<GetCachedResponse>();
        region.Reply(new CachedResponseVaries(["x-api-key"]));
        Assert.Null(await get);
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Store_CarriesOnlyTheHeadersTheResponseVariesOn()
    {
        var region = CreateTestProbe();
        var cluster = new ShardedCacheCluster(region.Ref, 60, AskTimeout, TimeProvider.System);
        var response = new CachedResponse { Status = 200, Body = "hi"u8.ToArray(), FreshnessLifetime = TimeSpan.FromMinutes(1), Vary = ["accept-language"] };

        cluster.Store("k", Request(), response, DateTimeOffset.UtcNow);
        var store = region.ExpectMsg<StoreCachedResponse>();
        Assert.Equal([new KeyValuePair<string, string>("accept-language", "fr")], store.Headers.ToArray());

        cluster.Store("k", Request(), response with { Vary = [] }, DateTimeOffset.UtcNow);
        Assert.Empty(region.ExpectMsg<StoreCachedResponse>().Headers);
    }

    [Fact]
    public void ShardOf_IsStable_AndSpreadsKeysOverEveryShard()
    {
        var shards = Enumerable.Range(0, 5000).Select(i => CacheKeys.ShardOf($"route\u001f/item?id={i}", 16)).ToList();
        Assert.Equal(16, shards.Distinct().Count());
        Assert.All(shards.GroupBy(s => s), g => Assert.InRange(g.Count(), 200, 450));
        Assert.Equal(CacheKeys.ShardOf("route\u001f/x", 16), CacheKeys.ShardOf("route\u001f/x", 16));
    }
}
