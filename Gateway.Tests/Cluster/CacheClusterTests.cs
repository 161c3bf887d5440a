using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Gateway.Tests.EndToEnd;

namespace Gateway.Tests.Cluster;

/// <summary>Three node processes: a response fetched through one node is served by the others from the cluster (L2), and a purge reaches every node.</summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class CacheClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task FetchedThroughNodeA_IsServedByNodesBAndC_FromTheCluster_AndAPurgeOnBReachesA()
    {
        var script = new CachingUpstream();
        await using var upstream = await TestUpstream.StartAsync(script.HandleAsync);
        using var cluster = new LocalCluster(3);
        var clock = Stopwatch.StartNew();
        // A generous ask timeout: on a loaded CI machine the first lookups wait for shard homes.
        await cluster.StartAllAsync(3, "--set", "gateway.cache.l2.ask-timeout=3s");
        output.WriteLine($"3 nodes ready after {clock.Elapsed.TotalSeconds:F1} s");

        await PutAsync(cluster, "/admin/upstreams/backend", $$"""{"endpoints":["{{upstream.Url}}"]}""");
        await PutAsync(cluster, "/admin/routes/cached", """{"path":"/{**rest}","upstream":"backend","cache":{}}""");
        for (var i = 0; i < 3; i++) await WaitRoutedAsync(cluster, i);

        const string path = "/max-age/300/shared";
        var (first, body) = await GetAsync(cluster, 0, path);
        Assert.Equal("MISS", XCache(first));
        await WaitForL2EntriesAsync(cluster, 1);

        var (fromB, bodyB) = await GetAsync(cluster, 1, path);
        Assert.Equal("HIT-CLUSTER", XCache(fromB));
        Assert.Equal(body, bodyB);
        Assert.True(fromB.Headers.Age.HasValue);
        var (fromC, bodyC) = await GetAsync(cluster, 2, path);
        Assert.Equal("HIT-CLUSTER", XCache(fromC));
        Assert.Equal(body, bodyC);
        // Now in B's own memory.
        var (againB, _) = await GetAsync(cluster, 1, path);
        Assert.Equal("HIT", XCache(againB));
        Assert.Equal(1, script.Hits(path));

        using var purge = await cluster.Admin.DeleteAsync($"{cluster.AdminUrl(1)}/admin/cache?prefix=/max-age/300/");
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        // The purge reaches A's L1 and the owner's L2 through pub-sub: A fetches again.
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var (afterPurge, _) = await GetAsync(cluster, 0, path);
            if (XCache(afterPurge) == "MISS") break;
            Assert.True(DateTime.UtcNow < deadline, "node A still served the purged response after 15 s");
            await Task.Delay(50);
        }
        Assert.Equal(2, script.Hits(path));
    }

    private static async Task PutAsync(LocalCluster cluster, string path, string json)
    {
        using var response = await cluster.Admin.PutAsync(cluster.AdminUrl(0) + path, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task WaitRoutedAsync(LocalCluster cluster, int node)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            // Uncacheable (no-store), so waiting leaves nothing in any cache.
            using var response = await cluster.Client.GetAsync(cluster.IngressUrl(node) + "/no-store");
            if (response.StatusCode == HttpStatusCode.OK) return;
            Assert.True(DateTime.UtcNow < deadline, $"node {node} did not route /no-store within 15 s");
            await Task.Delay(50);
        }
    }

    // The store is handed to the key's owner after the first response went out: wait until some node holds it.
    private static async Task WaitForL2EntriesAsync(LocalCluster cluster, int expected)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var total = 0;
            for (var i = 0; i < 3; i++)
            {
                using var stats = JsonDocument.Parse(await cluster.Admin.GetStringAsync(cluster.AdminUrl(i) + "/admin/cache"));
                total += stats.RootElement.GetProperty("l2").GetProperty("entries").GetInt32();
            }
            if (total >= expected) return;
            Assert.True(DateTime.UtcNow < deadline, $"no L2 owner held the response within 15 s");
            await Task.Delay(20);
        }
    }

    private static async Task<(HttpResponseMessage Response, string Body)> GetAsync(LocalCluster cluster, int node, string path)
    {
        var response = await cluster.Client.GetAsync(cluster.IngressUrl(node) + path);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static string XCache(HttpResponseMessage response) => response.Headers.TryGetValues("X-Cache", out var v) ? string.Join(",", v) : "";
}
