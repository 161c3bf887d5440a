using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Cluster;

/// <summary>
/// The control plane of a real 3-node cluster while a peer is dead (kill -9) or frozen (SIGSTOP): admin writes answer in
/// time and truthfully (2xx applied, 503 never applied), and a node resuming from a long pause steps back.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class ControlPlaneFailureTests(ITestOutputHelper output)
{
    private const int Routes = 30;

    [Fact]
    public async Task KilledPeer_WritesAnswerInTime_AndA503IsNeverApplied()
    {
        await using var backend = await TestUpstream.StartAsync(context => context.Response.WriteAsync("ok"));
        using var cluster = new LocalCluster(3);
        await cluster.StartAllAsync(3);
        var ids = await CreateRoutesAsync(cluster, backend.Url);

        cluster.Kill(2);
        var clock = Stopwatch.StartNew();
        // Written at once, while the dead node still counts as reachable: the window the failure detector has not closed.
        var answers = await TimedWritesAsync(cluster, ids, "v2");
        await WaitUnreachableAsync(cluster);
        output.WriteLine($"node 2 unreachable for node 0 after {clock.Elapsed.TotalSeconds:F1} s");
        await ClusterAdmin.EventuallyAsync(async () => (await ReadyBodyAsync(cluster, 0)).Contains("\"members\":2,", StringComparison.Ordinal),
            TimeSpan.FromSeconds(40), "node 2 removed");
        await AssertOnlyAnsweredWritesAppliedAsync(cluster, [0, 1], ids, answers, "v2");
    }

    [Fact]
    public async Task FrozenPeer_WritesAnswerInTime_AndOnResumeItStepsBackAtOnce_AndNeverWritesItsStaleState()
    {
        await using var backend = await TestUpstream.StartAsync(context => context.Response.WriteAsync("ok"));
        using var cluster = new LocalCluster(3);
        await cluster.StartAllAsync(3);
        var ids = await CreateRoutesAsync(cluster, backend.Url);

        cluster[2]!.Freeze();
        var frozen = Stopwatch.StartNew();
        var answers = await TimedWritesAsync(cluster, ids, "v2");
        await WaitUnreachableAsync(cluster);
        await ClusterAdmin.EventuallyAsync(async () => (await ReadyBodyAsync(cluster, 0)).Contains("\"members\":2,", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "node 2 removed while frozen");
        output.WriteLine($"node 2 removed {frozen.Elapsed.TotalSeconds:F1} s into its freeze");
        while (frozen.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(100);

        cluster[2]!.Thaw();
        var resumed = Stopwatch.StartNew();
        HttpStatusCode? readiness = HttpStatusCode.OK;
        while (readiness == HttpStatusCode.OK && resumed.Elapsed < TimeSpan.FromSeconds(10))
        {
            readiness = await cluster.ReadinessAsync(2, TimeSpan.FromSeconds(1));
            if (readiness == HttpStatusCode.OK) await Task.Delay(20);
        }
        var notReadyAfter = resumed.Elapsed;
        output.WriteLine($"resume to not ready: {notReadyAfter.TotalMilliseconds:F0} ms (readyz {(readiness is { } r ? ((int)r).ToString() : "no answer")})");
        Assert.True(readiness != HttpStatusCode.OK && notReadyAfter < TimeSpan.FromSeconds(1), $"node 2 still ready {notReadyAfter.TotalMilliseconds:F0} ms after resuming");

        var exit = cluster[2]!.WaitForExit(TimeSpan.FromSeconds(40));
        output.WriteLine($"node 2 exited with {exit} {resumed.Elapsed.TotalSeconds:F1} s after resuming");
        Assert.Equal(4, exit);
        await AssertOnlyAnsweredWritesAppliedAsync(cluster, [0, 1], ids, answers, "v2");

        // Restarted, it serves the cluster's versions: nothing it held while frozen came back.
        cluster.Kill(2);
        cluster.Start(2);
        await cluster.WaitReadyAsync(2, LocalCluster.StartTimeout);
        await AssertOnlyAnsweredWritesAppliedAsync(cluster, [2], ids, answers, "v2");
    }

    private async Task<string[]> CreateRoutesAsync(LocalCluster cluster, string backendUrl)
    {
        await cluster.PutAsync(0, "/admin/upstreams/backend", $$"""{"endpoints":["{{backendUrl}}"]}""", HttpStatusCode.Created);
        // 30 routes over 30 shards: owners on every node, and every shard's home known before the failure.
        var ids = Enumerable.Range(0, Routes).Select(n => $"route-{n}").ToArray();
        await Task.WhenAll(ids.Select((id, n) => cluster.PutAsync(n % 2, $"/admin/routes/{id}",
            $$"""{"path":"/{{id}}/v1","upstream":"backend"}""", HttpStatusCode.Created)));
        return ids;
    }

    private static async Task WaitUnreachableAsync(LocalCluster cluster) =>
        await ClusterAdmin.EventuallyAsync(async () => (await ReadyBodyAsync(cluster, 0)).Contains("\"unreachable\":1", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "node 0 sees node 2 unreachable");

    private static async Task<string> ReadyBodyAsync(LocalCluster cluster, int node)
    {
        try
        {
            return await cluster.Admin.GetStringAsync(cluster.AdminUrl(node) + "/readyz");
        }
        catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            return "";
        }
    }

    // Every route rewritten at once through the two live nodes, each write timed.
    private async Task<Dictionary<string, ClusterAdmin.Answer>> TimedWritesAsync(LocalCluster cluster, string[] ids, string version)
    {
        var answers = await Task.WhenAll(ids.Select((id, n) => cluster.SendAsync(n % 2, HttpMethod.Put, $"/admin/routes/{id}",
            $$"""{"path":"/{{id}}/{{version}}","upstream":"backend"}""")));
        var applied = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Elapsed.TotalMilliseconds).Order().ToArray();
        var refused = answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).Select(a => a.Elapsed.TotalMilliseconds).Order().ToArray();
        output.WriteLine($"writes right after the peer failed: {applied.Length} applied (owner live), max {applied.DefaultIfEmpty().Max():F0} ms, " +
            $"median {(applied.Length > 0 ? applied[applied.Length / 2] : 0):F0} ms; {refused.Length} refused 503 (owner unreachable), " +
            $"max {refused.DefaultIfEmpty().Max():F0} ms; propagated: {string.Join(",", answers.Select(a => a.Propagated).Distinct())}");
        foreach (var answer in answers)
        {
            Assert.True(answer.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{(int)answer.Status} {answer.Body}");
            // The target is 1 s (measured: see the README); the bound here stays under the 2 s propagation timeout, so
            // it fails exactly when a write waits for the dead node, without failing on a slow shared CI machine.
            if (answer.Status == HttpStatusCode.OK) Assert.True(answer.Elapsed < TimeSpan.FromSeconds(1.8), $"applied write took {answer.Elapsed.TotalMilliseconds:F0} ms");
            else
            {
                // Deadline 2 s + 0.9 s for the owner's answer and the outcome query: 2.9-3.0 s measured on a quiet machine.
                Assert.True(answer.Elapsed < TimeSpan.FromSeconds(3.5), $"refused write took {answer.Elapsed.TotalMilliseconds:F0} ms");
                Assert.Equal("1", answer.RetryAfter);
            }
        }
        Assert.NotEmpty(applied);
        return ids.Zip(answers).ToDictionary(p => p.Item1, p => p.Item2);
    }

    // A 2xx was applied (version 2 with the new path), a 503 never (still version 1).
    private static async Task AssertOnlyAnsweredWritesAppliedAsync(LocalCluster cluster, int[] nodes, string[] ids,
        Dictionary<string, ClusterAdmin.Answer> answers, string version)
    {
        foreach (var node in nodes)
        {
            foreach (var id in ids)
            {
                var applied = answers[id].Status == HttpStatusCode.OK;
                var read = await cluster.SendAsync(node, HttpMethod.Get, $"/admin/routes/{id}");
                Assert.True(read.Status == HttpStatusCode.OK, $"node {node} {id}: {(int)read.Status} {read.Body}");
                Assert.True(read.ETag == (applied ? "\"2\"" : "\"1\"") && read.Body.Contains(applied ? $"/{id}/{version}" : $"/{id}/v1"),
                    $"node {node} {id}: answered {(int)answers[id].Status}, now reads {read.ETag} {read.Body}");
            }
        }
    }
}
