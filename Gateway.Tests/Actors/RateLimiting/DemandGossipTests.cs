using System.Text;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.TestKit.Xunit2;
using Gateway.Actors;
using Gateway.Actors.RateLimiting;
using Gateway.Protocol.Routing;
using Microsoft.AspNetCore.Http;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Actors.RateLimiting;

/// <summary>The cluster rate limit's gossip: bounded reports, whose demand counts (membership, not clocks), first shares.</summary>
public sealed class DemandGossipTests(ITestOutputHelper output) : TestKit(Akka.Configuration.ConfigurationFactory
    .ParseString("akka.remote.dot-netty.tcp.port = 0").WithFallback(GatewayDefaults.Config))
{
    private const string A = "akka.tcp://gateway@127.0.0.1:4001";
    private const string B = "akka.tcp://gateway@127.0.0.1:4002";
    private const string Self = "akka.tcp://gateway@127.0.0.1:4000";

    private static Dictionary<string, string> Reports(long uid, string node, params (string Key, double Rate)[] demand) =>
        new() { [node] = DemandGossip.Build(uid, demand.Select(d => KeyValuePair.Create(d.Key, d.Rate)).ToList(), 1, 100)[0] };

    [Fact]
    public void Build_ThenTryAdd_RoundTripsEveryKeyInItsShard()
    {
        var demand = Enumerable.Range(0, 500).Select(i => KeyValuePair.Create(DemandGossip.EntryKey("r", $"key-{i}"), i + 0.25)).ToList();
        var payloads = DemandGossip.Build(7, demand, shards: 8, maxKeys: 10_000);
        Assert.Equal(8, payloads.Length);
        var sum = new Dictionary<string, double>();
        foreach (var payload in payloads) Assert.True(DemandGossip.TryAdd(payload, 7, sum));
        Assert.Equal(500, sum.Count);
        Assert.Equal(42.25, sum[DemandGossip.EntryKey("r", "key-42")]);
        Assert.False(DemandGossip.TryAdd(payloads[0], 8, new Dictionary<string, double>()));
        // A key with a newline (a JWT claim, say) cannot break the report apart.
        var odd = DemandGossip.EntryKey("r", "a\nb\tc");
        var parsed = new Dictionary<string, double>();
        DemandGossip.TryAdd(DemandGossip.Build(1, [KeyValuePair.Create(odd, 3.0)], 1, 10)[0], 1, parsed);
        Assert.Equal(3.0, parsed[odd]);
    }

    [Fact]
    public void Build_PastMaxKeys_ReportsOnlyTheHottest()
    {
        var demand = Enumerable.Range(0, 1000).Select(i => KeyValuePair.Create($"k{i}", (double)i)).ToList();
        var sum = new Dictionary<string, double>();
        foreach (var payload in DemandGossip.Build(1, demand, 4, maxKeys: 10)) DemandGossip.TryAdd(payload, 1, sum);
        Assert.Equal(Enumerable.Range(990, 10).Select(i => $"k{i}").Order(), sum.Keys.Order());
    }

    [Fact]
    public void GossipEntry_At100kKeys_StaysWellUnderTheRemotingFrameSize()
    {
        var settings = RateLimitGossipSettings.FromConfig(GatewayDefaults.Config);
        var frame = Sys.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? 128_000;
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        const int nodes = 5;

        // Each of 5 nodes has 100k active keys (client addresses) under one route; every shard holds all 5 reports.
        var largest = 0L;
        var entries = Enumerable.Range(0, settings.Shards).Select(_ => LWWDictionary<string, string>.Empty).ToArray();
        for (var n = 0; n < nodes; n++)
        {
            var demand = Enumerable.Range(0, 100_000)
                .Select(i => KeyValuePair.Create(DemandGossip.EntryKey("per-client-route", $"10.{n}.{i / 256 % 256}.{i % 256}:{i}"), 1 + i % 97 / 7.0))
                .ToList();
            var payloads = DemandGossip.Build(1_000_000_000L + n, demand, settings.Shards, settings.MaxGossipedKeys);
            for (var s = 0; s < payloads.Length; s++) entries[s] = entries[s].SetItem(cluster, $"akka.tcp://gateway@10.0.0.{n}:4053", payloads[s]);
        }
        foreach (var entry in entries)
        {
            var bytes = Sys.Serialization.FindSerializerFor(entry).ToBinary(entry).Length;
            largest = Math.Max(largest, bytes);
        }

        output.WriteLine($"largest gossip entry at 100k keys x {nodes} nodes: {largest} bytes ({settings.Shards} shards, max {settings.MaxGossipedKeys} keys per node); frame size {frame}");
        Assert.True(largest < frame / 4, $"largest entry {largest} bytes; frame {frame}");
    }

    [Fact]
    public void DemandView_CountsAReportOnlyWhileItsWriterIsUpAndReachable_WithNoClock()
    {
        var view = new DemandView(Self, shards: 1);
        view.MemberUp(Self, 1);
        view.MemberUp(A, 10);
        view.MemberUp(B, 20);
        Assert.Equal(3, view.LiveMembers);
        // A report carries no timestamp: a node whose clock is off is judged by membership only.
        view.Seen(0, Reports(10, A, ("k", 30)).Concat(Reports(20, B, ("k", 10))).ToDictionary());
        Assert.Equal(40, view.Others["k"]);

        view.Reachability(A, unreachable: true);
        Assert.Equal(10, view.Others["k"]);
        Assert.Equal(2, view.LiveMembers);
        view.Reachability(A, unreachable: false);
        Assert.Equal(40, view.Others["k"]);

        view.MemberGone(B, 20);
        Assert.Equal(30, view.Others["k"]);
        Assert.Equal(2, view.LiveMembers);

        // B restarts on the same address: its old report does not count for the new incarnation until it writes anew.
        view.MemberUp(B, 21);
        Assert.Equal(30, view.Others["k"]);
        view.Seen(0, Reports(10, A, ("k", 30)).Concat(Reports(21, B, ("k", 5))).ToDictionary());
        Assert.Equal(35, view.Others["k"]);
        // A late "removed" of the old incarnation does not drop the new one.
        view.MemberGone(B, 20);
        Assert.Equal(35, view.Others["k"]);
    }

    [Fact]
    public void NewLimiter_StartsFromTheMembersTheNodeKnows()
    {
        var limit = new RateLimitDefinition { Key = "route", Limit = 30, Period = TimeSpan.FromSeconds(1), Scope = "cluster" };
        var registry = new ClusterRateLimitRegistry { Members = 3 };
        var limiter = new ClusterRateLimiter("r", limit, new ClientAddressResolver([]), registry.Members);
        var admitted = Enumerable.Range(0, 30).Count(_ => limiter.TryAdmit(new DefaultHttpContext()) is null);
        // A third of the burst, not all of it: three nodes starting together admit the burst once, not three times.
        Assert.InRange(admitted, 10, 11);
    }
}
