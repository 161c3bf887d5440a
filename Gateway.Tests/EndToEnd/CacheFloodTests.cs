using System.Net;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Gateway.Actors.Caching;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// A flood of unique cache keys against small limits: L1 and L2 stay within their bytes and entries, the L2 region
/// holds one entity per shard however many keys there are, and the node keeps serving.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CacheFloodTests : IAsyncLifetime
{
    private const int Requests = 3000;
    private const int MaxEntries = 300;
    private const long SizeLimit = 256 * 1024;
    private const int Shards = 8;
    private TestUpstream _upstream = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestUpstream.StartAsync(context => context.Response.WriteAsync("item " + context.Request.Query["id"]));
        _gateway = await TestGateway.StartAsync($$"""
            cache {
              l1-size-limit = {{SizeLimit}}, l1-max-entries = {{MaxEntries}}
              l2 { size-limit = {{SizeLimit}}, max-entries = {{MaxEntries}}, shards = {{Shards}} }
            }
            upstreams = [ { name = u, endpoints = [ "{{_upstream.Url}}" ] } ]
            routes = [ { id = items, path = "/item", upstream = u, cache { default-ttl = 1h } } ]
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task UniqueKeys_StayWithinTheBounds_OneEntityPerShard_AndTheNodeKeepsServing()
    {
        var cache = _gateway.Services.GetRequiredService<ResponseCache>();
        var failures = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            using var response = await _gateway.Client.GetAsync($"/item?id={i}-{Guid.NewGuid():N}", ct);
            if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref failures);
            Assert.True(cache.L1.Count <= MaxEntries && cache.L2.Count <= MaxEntries, $"L1 {cache.L1.Count}, L2 {cache.L2.Count} entries after request {i}");
        });
        Assert.Equal(0, failures);

        using var stats = JsonDocument.Parse(await _gateway.Admin.GetStringAsync("/admin/cache"));
        foreach (var level in new[] { "l1", "l2" })
        {
            var entries = stats.RootElement.GetProperty(level).GetProperty("entries").GetInt32();
            var bytes = stats.RootElement.GetProperty(level).GetProperty("bytes").GetInt64();
            Assert.InRange(entries, 1, MaxEntries);
            Assert.InRange(bytes, 1, SizeLimit);
        }

        var region = _gateway.Services.GetRequiredService<IRequiredActor<CacheRegionKey>>().ActorRef;
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
        var entities = state.Shards.Sum(s => s.EntityIds.Count);
        Assert.InRange(entities, 1, Shards);

        // Still serving, and still caching: a key asked again is a hit (a full store makes room in the background,
        // so the first store after the flood may be turned away).
        string? result = null;
        for (var i = 0; i < 20 && result != "HIT"; i++)
        {
            using var response = await _gateway.Client.GetAsync("/item?id=after");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            result = response.Headers.GetValues("X-Cache").Single();
            if (result != "HIT") await Task.Delay(100);
        }
        Assert.Equal("HIT", result);
    }
}
