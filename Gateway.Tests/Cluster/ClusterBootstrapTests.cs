using System.Diagnostics;
using System.Text.Json;

namespace Gateway.Tests.Cluster;

/// <summary>
/// Cluster formation without a seed list: three nodes find each other through Akka.Management's Cluster.Bootstrap with
/// config discovery, probing each other's contact point (the node's own <c>/bootstrap/seed-nodes</c> listener on the
/// management port), and form one cluster; then a fourth joins it the same way.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class ClusterBootstrapTests(ITestOutputHelper output)
{
    private static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(75);

    [Fact]
    public async Task ThreeNodesFormByBootstrap_ThenAFourthJoins_NoSeedList()
    {
        using var cluster = new LocalCluster(4) { UseSeeds = false };
        var management = Enumerable.Range(0, 4).Select(_ => FreePort.Next()).ToArray();
        var clock = Stopwatch.StartNew();
        string Config(int contactPoints) => LocalCluster.BaseConfig + $$"""
            gateway.cluster-bootstrap.enabled = on
            akka.management.http.hostname = "127.0.0.1"
            akka.management.cluster.bootstrap.contact-point-discovery {
              service-name = gateway
              discovery-method = config
              # Several nodes share 127.0.0.1: a port name keeps bootstrap from taking them for restarts of one node.
              port-name = management
              required-contact-point-nr = 3
              stable-margin = 1s
              interval = 500ms
            }
            akka.management.cluster.bootstrap.contact-point.probe-interval = 500ms
            akka.discovery.config.services.gateway.endpoints = [{{string.Join(", ", management.Take(contactPoints).Select(p => $"\"127.0.0.1:{p}\""))}}]
            """;
        var three = Path.Combine(cluster.DataDirectory, "bootstrap3.conf");
        File.WriteAllText(three, Config(3));
        for (var i = 0; i < 3; i++) cluster.StartWithConfig(i, three, "--set", $"akka.management.http.port={management[i]}");
        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => cluster.WaitReadyAsync(i, FormTimeout)));
        output.WriteLine($"3 nodes formed a cluster after {clock.Elapsed.TotalSeconds:F1} s");
        await AssertMembersAsync(cluster, 0, 3);
        // What the fourth node's bootstrap reads from a contact point: that node, and the three members to join through.
        var remotes = cluster.Ports.Take(3).Select(p => p.Remote).Order().ToArray();
        var lastSeeds = "";
        await Eventually.TrueAsync(async () =>
        {
            lastSeeds = await cluster.Admin.GetStringAsync($"http://127.0.0.1:{management[1]}/bootstrap/seed-nodes");
            using var seeds = JsonDocument.Parse(lastSeeds);
            return seeds.RootElement.GetProperty("SelfNode").GetProperty("Port").GetInt32() == cluster.Ports[1].Remote
                && seeds.RootElement.GetProperty("Nodes").EnumerateArray().Select(n => n.GetProperty("Node").GetProperty("Port").GetInt32()).Order().SequenceEqual(remotes);
        }, TimeSpan.FromSeconds(30), () => $"node 2's contact point answered {lastSeeds}");

        var four = Path.Combine(cluster.DataDirectory, "bootstrap4.conf");
        File.WriteAllText(four, Config(4));
        cluster.StartWithConfig(3, four, "--set", $"akka.management.http.port={management[3]}");
        await cluster.WaitReadyAsync(3, FormTimeout);
        output.WriteLine($"node 4 joined after {clock.Elapsed.TotalSeconds:F1} s");
        await AssertMembersAsync(cluster, 3, 4);
        await AssertMembersAsync(cluster, 0, 4);
    }

    // Every node's /readyz reports the same Up members: one cluster, not several clusters of one.
    private static async Task AssertMembersAsync(LocalCluster cluster, int node, int members) =>
        await Eventually.TrueAsync(async () =>
        {
            using var ready = JsonDocument.Parse(await cluster.Admin.GetStringAsync($"{cluster.AdminUrl(node)}/readyz"));
            return ready.RootElement.GetProperty("members").GetInt32() == members;
        }, TimeSpan.FromSeconds(30), () => $"node {node + 1} never saw {members} members:\n{cluster[node]?.Output}");
}
