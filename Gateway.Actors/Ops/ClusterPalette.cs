using Akka.Actor;
using Akka.Cluster;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>
/// The <c>cluster</c> palette: membership as this node sees it, and the membership actions join, leave and down.
/// The formatting is pure over a <see cref="ClusterView"/>; the actions call <see cref="Cluster"/>.
/// </summary>
internal static class ClusterPalette
{
    /// <summary>The palette.</summary>
    public static OpsPalette Palette { get; } = new("cluster", "membership and sharding",
    [
        new OpsCommand { Name = "cluster show", Summary = "members, their status, roles and reachability", Run = (_, ctx) => Show(View(ctx)).AsTask() },
        new OpsCommand { Name = "cluster status", Summary = "this node's status, the leader and member counts", Run = (_, ctx) => Status(View(ctx)).AsTask() },
        new OpsCommand { Name = "cluster leader", Summary = "the leader's address", Run = (_, ctx) => Leader(View(ctx)).AsTask() },
        new OpsCommand
        {
            Name = "cluster join", Arguments = "[address]", MaxArgs = 1, Switches = [AddressSwitch], Summary = "join this node to the cluster at <address>",
            Run = (inv, ctx) => AddressOf(inv) is { } address
                ? Join(Cluster.Get(ctx.System), address).AsTask()
                : OpsResult.UsageError("'cluster join' needs an address (argument or -a)", inv.Command.Usage).AsTask(),
        },
        new OpsCommand
        {
            Name = "cluster leave", Arguments = "[address]", MaxArgs = 1, Switches = [AddressSwitch], Summary = "have a member (this node by default) leave gracefully",
            Run = (inv, ctx) => Leave(Cluster.Get(ctx.System), AddressOf(inv), ctx.Drain).AsTask(),
        },
        new OpsCommand
        {
            Name = "cluster down", Arguments = "[address]", MaxArgs = 1, Switches = [AddressSwitch], Summary = "mark a member down (it is removed without handing off)",
            Run = (inv, ctx) => AddressOf(inv) is { } address
                ? Down(Cluster.Get(ctx.System), address).AsTask()
                : OpsResult.UsageError("'cluster down' needs an address (argument or -a)", inv.Command.Usage).AsTask(),
        },
        new OpsCommand { Name = "cluster down-unreachable", Summary = "mark every unreachable member down", Run = (_, ctx) => DownUnreachable(Cluster.Get(ctx.System)).AsTask() },
        new OpsCommand
        {
            Name = "cluster tail", Streaming = true, Summary = "membership and reachability events as they happen",
            Actor = (inv, _, output) => ClusterTailActor.Props(output, inv.Json),
        },
        ShardingCommands.Regions,
        ShardingCommands.RegionStats,
    ]);

    // Petabridge.Cmd's switch: 'cluster leave -a akka.tcp://gateway@host:port', as well as the address as an argument.
    private static OpsSwitch AddressSwitch => new("address", "a", "ADDRESS");

    private static string? AddressOf(OpsInvocation inv) => inv.Option("address") ?? inv.Arg(0);

    /// <summary>The member table.</summary>
    public static OpsResult Show(ClusterView view) => OpsResult.Ok(
        OpsFrame.Table("members", ["address", "status", "roles", "reachable", "leader", "self"], view.Members.Select(m => new[]
        {
            m.Address,
            m.Status,
            m.Roles.Length == 0 ? "-" : string.Join(",", m.Roles),
            m.Reachable ? "yes" : "no",
            m.Address == view.Leader ? "yes" : "",
            m.Address == view.Self ? "yes" : "",
        })).Typed("sssbbb"));

    /// <summary>This node's status, the leader and counts by status.</summary>
    public static OpsResult Status(ClusterView view)
    {
        var byStatus = view.Members.GroupBy(m => m.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
        var unreachable = view.Members.Count(m => !m.Reachable);
        return OpsResult.Ok(OpsFrame.Table("status", ["field", "value"],
        [
            ["node", view.Self],
            ["status", view.SelfStatus],
            ["leader", view.Leader ?? "(none)"],
            ["members", $"{view.Members.Length} ({string.Join(", ", byStatus)})"],
            ["unreachable", unreachable.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        ]));
    }

    /// <summary>The leader's address; a failure while the cluster has none.</summary>
    public static OpsResult Leader(ClusterView view) =>
        view.Leader is null ? OpsResult.Failed("the cluster has no leader yet (no member is Up, or members are unreachable)") : OpsResult.Line(view.Leader);

    /// <summary>Parses an Akka address such as <c>akka.tcp://gateway@10.0.0.1:4053</c>; null when it is not one.</summary>
    public static Address? ParseAddress(string text)
    {
        try
        {
            var address = Address.Parse(text.Trim());
            return address.HasGlobalScope ? address : null;
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    private static ClusterView View(OpsContext ctx) => ClusterView.From(Cluster.Get(ctx.System));

    private static OpsResult Join(Cluster cluster, string text)
    {
        var address = ParseAddress(text);
        if (address is null) return BadAddress(text, "cluster join <address>");
        cluster.Join(address);
        return OpsResult.Line($"{cluster.SelfAddress} is joining {address}");
    }

    /// <summary>
    /// <c>cluster leave [address]</c>. Aimed at this node it is <c>gateway drain</c> (the SIGTERM path: readiness off,
    /// in-flight requests finished, shards handed off, cluster left, exit), never a bare leave that would stop the node's
    /// actors under requests still in flight; another member is asked to leave.
    /// </summary>
    internal static OpsResult Leave(Cluster cluster, string? text, INodeDrain? drain)
    {
        var address = text is null ? cluster.SelfAddress : ParseAddress(text);
        if (address is null) return BadAddress(text!, "cluster leave [address]");
        if (address == cluster.SelfAddress && drain is not null) return DrainCommand.Drain(drain);
        if (!IsMember(cluster, address)) return NotMember(address);
        cluster.Leave(address);
        return OpsResult.Line($"{address} is leaving the cluster");
    }

    private static OpsResult Down(Cluster cluster, string text)
    {
        var address = ParseAddress(text);
        if (address is null) return BadAddress(text, "cluster down <address>");
        if (!IsMember(cluster, address)) return NotMember(address);
        cluster.Down(address);
        return OpsResult.Line($"{address} is marked down");
    }

    private static OpsResult DownUnreachable(Cluster cluster)
    {
        var unreachable = cluster.State.Unreachable.Select(m => m.Address).ToArray();
        if (unreachable.Length == 0) return OpsResult.Line("no unreachable members");
        foreach (var address in unreachable) cluster.Down(address);
        return OpsResult.Ok([.. unreachable.Select(a => OpsFrame.Line($"{a} is marked down"))]);
    }

    private static bool IsMember(Cluster cluster, Address address) => cluster.State.Members.Any(m => m.Address.Equals(address));

    private static OpsResult NotMember(Address address) => OpsResult.Failed($"{address} is not a member of this cluster (see 'cluster show')");

    private static OpsResult BadAddress(string text, string syntax) =>
        OpsResult.UsageError($"'{text}' is not a cluster address like akka.tcp://gateway@10.0.0.1:4053", $"usage: pbm [HOST:PORT] {syntax}");
}
