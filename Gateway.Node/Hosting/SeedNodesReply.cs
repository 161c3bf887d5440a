using System.Collections.Immutable;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;

namespace Gateway.Node.Hosting;

/// <summary>
/// What this node's contact point answers to another node's Cluster.Bootstrap probe (<c>GET /bootstrap/seed-nodes</c>):
/// its own address and the cluster members a newcomer may join through. The JSON is the shape Akka.Management's
/// probe reads (its <c>HttpBootstrapJsonProtocol.SeedNodes</c>, deserialized with Newtonsoft's defaults).
/// </summary>
/// <param name="SelfNode">This node's remoting address.</param>
/// <param name="Nodes">Members to join through; empty while this node is in no cluster, or on its way out of one.</param>
internal sealed record SeedNodesReply(Address SelfNode, ImmutableArray<SeedNodesReply.Member> Nodes)
{
    /// <summary>At most this many members are offered: Akka.Management's fixed limit, and its join decider takes five.</summary>
    public const int MaxSeedNodes = 5;

    /// <summary>One cluster member as the probe sees it.</summary>
    /// <param name="Node">The member's address.</param>
    /// <param name="NodeUid">The member's incarnation (its <see cref="UniqueAddress.Uid"/>).</param>
    /// <param name="Status">The member's status (written as its number, as Newtonsoft writes the enum).</param>
    /// <param name="Roles">The member's roles.</param>
    public sealed record Member(Address Node, long NodeUid, MemberStatus Status, ImmutableHashSet<string> Roles);

    /// <summary>
    /// The reply of a node whose own status is <paramref name="selfStatus"/>, given the members it sees as reachable, in
    /// the cluster's order: a node leaving or gone offers none (a newcomer must not join through it); otherwise the first
    /// <see cref="MaxSeedNodes"/> that are Joining, Up or WeaklyUp, shuffled so newcomers spread their joins.
    /// </summary>
    public static SeedNodesReply From(Address self, MemberStatus selfStatus, IEnumerable<Member> reachable, Random random)
    {
        if (selfStatus is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Leaving or MemberStatus.Removed)
            return new SeedNodesReply(self, []);
        var offered = reachable
            .Where(m => m.Status is MemberStatus.Joining or MemberStatus.Up or MemberStatus.WeaklyUp)
            .Take(MaxSeedNodes)
            .ToArray();
        random.Shuffle(offered);
        return new SeedNodesReply(self, [.. offered]);
    }

    /// <summary>The reply from <paramref name="cluster"/>'s current state.</summary>
    public static SeedNodesReply From(Akka.Cluster.Cluster cluster)
    {
        var state = cluster.State;
        var reachable = state.Members
            .Where(m => !state.Unreachable.Contains(m))
            .Select(m => new Member(m.UniqueAddress.Address, m.UniqueAddress.Uid, m.Status, m.Roles));
        return From(cluster.SelfAddress, cluster.SelfMember.Status, reachable, Random.Shared);
    }

    /// <summary>The reply as UTF-8 JSON, as the probe reads it: PascalCase names, addresses with their scope flags, status as a number.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer)) WriteTo(json);
        return buffer.ToArray();
    }

    private void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WritePropertyName("SelfNode");
        WriteAddress(json, SelfNode);
        json.WriteStartArray("Nodes");
        foreach (var member in Nodes)
        {
            json.WriteStartObject();
            json.WritePropertyName("Node");
            WriteAddress(json, member.Node);
            json.WriteNumber("NodeUid", member.NodeUid);
            json.WriteNumber("Status", (int)member.Status);
            json.WriteStartArray("Roles");
            foreach (var role in member.Roles) json.WriteStringValue(role);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // Newtonsoft writes every public property of Akka's Address; the probe rebuilds it through the constructor's names.
    private static void WriteAddress(Utf8JsonWriter json, Address address)
    {
        json.WriteStartObject();
        if (address.Host is null) json.WriteNull("Host"); else json.WriteString("Host", address.Host);
        if (address.Port is { } port) json.WriteNumber("Port", port); else json.WriteNull("Port");
        json.WriteString("System", address.System);
        json.WriteString("Protocol", address.Protocol);
        json.WriteBoolean("HasLocalScope", address.HasLocalScope);
        json.WriteBoolean("HasGlobalScope", address.HasGlobalScope);
        json.WriteEndObject();
    }
}
