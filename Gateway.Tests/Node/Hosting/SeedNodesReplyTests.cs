using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using Gateway.Node.Hosting;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit;
using Member = Gateway.Node.Hosting.SeedNodesReply.Member;

namespace Gateway.Tests.Node.Hosting;

/// <summary>
/// Our contact point's answer to <c>GET /bootstrap/seed-nodes</c> is what Akka.Management's own endpoint would answer, and
/// what its bootstrap probe reads (Newtonsoft into <see cref="HttpBootstrapJsonProtocol.SeedNodes"/>).
/// </summary>
public sealed class SeedNodesReplyTests
{
    private static readonly Address Self = new("akka.tcp", "gateway", "127.0.0.1", 4053);

    private static Member Node(int port, MemberStatus status = MemberStatus.Up, params string[] roles) =>
        new(new Address("akka.tcp", "gateway", "127.0.0.1", port), 1000 + port, status, [.. roles]);

    [Fact]
    public void ToJson_IsAkkaManagementsJson_AndItsProbeReadsTheSameNodes()
    {
        var members = new[] { Node(4054, MemberStatus.Up, "gateway", "edge"), Node(4055, MemberStatus.Joining), Node(4056, MemberStatus.WeaklyUp) };
        var json = Encoding.UTF8.GetString(new SeedNodesReply(Self, [.. members]).ToJson());

        var theirs = JsonConvert.SerializeObject(new HttpBootstrapJsonProtocol.SeedNodes(Self,
            [.. members.Select(m => new HttpBootstrapJsonProtocol.ClusterMember(m.Node, m.NodeUid, m.Status, m.Roles))]));
        Assert.True(JToken.DeepEquals(JToken.Parse(theirs), JToken.Parse(json)), $"ours:   {json}\ntheirs: {theirs}");

        var read = JsonConvert.DeserializeObject<HttpBootstrapJsonProtocol.SeedNodes>(json)!;
        Assert.Equal(Self, read.SelfNode);
        Assert.Equal(members.Select(m => (m.Node, m.NodeUid, m.Status, string.Join(",", m.Roles.Order()))),
            read.Nodes.Select(n => (n.Node, n.NodeUid, n.Status, string.Join(",", n.Roles.Order()))));
    }

    [Fact]
    public void ToJson_NotInACluster_TheProbeReadsTheSelfNodeAndNoSeeds()
    {
        var read = JsonConvert.DeserializeObject<HttpBootstrapJsonProtocol.SeedNodes>(
            Encoding.UTF8.GetString(SeedNodesReply.From(Self, MemberStatus.Removed, [], new Random(1)).ToJson()))!;
        Assert.Equal(Self, read.SelfNode);
        Assert.Empty(read.Nodes);
    }

    [Theory]
    [InlineData(MemberStatus.Leaving)]
    [InlineData(MemberStatus.Exiting)]
    [InlineData(MemberStatus.Down)]
    [InlineData(MemberStatus.Removed)]
    public void From_SelfOnItsWayOut_OffersNoSeedNodes(MemberStatus self)
    {
        var reply = SeedNodesReply.From(Self, self, [Node(4053), Node(4054)], new Random(1));
        Assert.Equal(Self, reply.SelfNode);
        Assert.Empty(reply.Nodes);
    }

    [Fact]
    public void From_OffersTheFirstFiveJoiningUpOrWeaklyUp_Shuffled()
    {
        Member[] reachable =
        [
            Node(4053), Node(4054, MemberStatus.Leaving), Node(4055, MemberStatus.Joining), Node(4056, MemberStatus.Exiting),
            Node(4057, MemberStatus.WeaklyUp), Node(4058, MemberStatus.Down), Node(4059), Node(4060), Node(4061), Node(4062),
        ];
        var ports = Enumerable.Range(0, 20)
            .Select(seed => SeedNodesReply.From(Self, MemberStatus.Up, reachable, new Random(seed)).Nodes.Select(n => n.Node.Port!.Value).ToArray())
            .ToArray();

        Assert.All(ports, p => Assert.Equal([4053, 4055, 4057, 4059, 4060], p.Order()));
        Assert.True(ports.Select(p => string.Join(",", p)).Distinct().Count() > 1, "the offered members come in one fixed order");
    }
}
