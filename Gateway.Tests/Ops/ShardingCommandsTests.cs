using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.TestKit.Xunit2;
using Gateway.Actors.Ops;
using Xunit;

namespace Gateway.Tests.Ops;

/// <summary><c>cluster sharding regions</c> against a real shard region in a cluster of one.</summary>
public sealed class ShardingCommandsTests : TestKit
{
    private const string Hocon = """
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.cluster.sharding.state-store-mode = ddata
        akka.loglevel = WARNING
        """;

    public ShardingCommandsTests()
        : base(Hocon)
    {
    }

    [Fact]
    public async Task Regions_ListsEachRegionWithItsShardsAndEntities()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        await AwaitConditionAsync(() => Task.FromResult(cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up), TimeSpan.FromSeconds(10));

        var region = await ClusterSharding.Get(Sys).StartAsync("counters", Props.Create(() => new Echo()),
            ClusterShardingSettings.Create(Sys), new Extractor());
        foreach (var id in new[] { "a", "b", "c" })
        {
            region.Tell(id, TestActor);
            ExpectMsg(id, TimeSpan.FromSeconds(10));
        }

        var result = await ShardingCommands.RegionsAsync(Sys, TimeSpan.FromSeconds(5), CancellationToken.None);
        var row = Assert.Single(result.Frames.Single().Rows!.Value);
        Assert.Equal("counters", row[0]);
        Assert.Equal("3", row[2]);
        Assert.InRange(int.Parse(row[1]), 1, 3);
        Assert.Equal("/system/sharding/counters", row[3]);

        var stats = await ShardingCommands.RegionStatsAsync(Sys, "counters", TimeSpan.FromSeconds(5), CancellationToken.None);
        var rows = stats.Frames.Single().Rows!.Value;
        Assert.All(rows, r => Assert.Equal(cluster.SelfAddress.ToString(), r[0]));
        Assert.Equal(["even", "odd"], rows.Select(r => r[1]));
        Assert.Equal(3, rows.Sum(r => int.Parse(r[2])));

        var unknown = await ShardingCommands.RegionStatsAsync(Sys, "nope", TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(Gateway.Protocol.Ops.OpsExitCodes.Failed, unknown.ExitCode);
        Assert.Contains("types: counters", unknown.Frames[0].Message);
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<string>(s => Sender.Tell(s));
    }

    private sealed class Extractor : IMessageExtractor
    {
        public string EntityId(object message) => (string)message;

        public object EntityMessage(object message) => message;

        public string ShardId(object message) => ((string)message)[0] % 2 == 0 ? "even" : "odd";

        public string ShardId(string entityId, object? messageHint = null) => entityId[0] % 2 == 0 ? "even" : "odd";
    }
}
