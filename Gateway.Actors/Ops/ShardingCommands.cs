using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>The <c>cluster sharding</c> commands: the shard regions running on this node and what they host.</summary>
internal static class ShardingCommands
{
    /// <summary>What the commands say on a node that runs no shard region.</summary>
    public const string NotRunning = "no shard regions: cluster sharding is not running on this node";

    /// <summary><c>cluster sharding regions</c>.</summary>
    public static OpsCommand Regions { get; } = new()
    {
        Name = "cluster sharding regions",
        Summary = "shard regions on this node with their shard and entity counts",
        Run = (inv, ctx) => RegionsAsync(ctx.System, ctx.Settings.AskTimeout, inv.Cancelled),
    };

    /// <summary><c>cluster sharding region-stats &lt;type&gt;</c>.</summary>
    public static OpsCommand RegionStats { get; } = new()
    {
        Name = "cluster sharding region-stats",
        Arguments = "<type>",
        MinArgs = 1,
        MaxArgs = 1,
        Summary = "entities per shard per node of one shard region type",
        Run = (inv, ctx) => RegionStatsAsync(ctx.System, inv.Args[0], ctx.Settings.AskTimeout, inv.Cancelled),
    };

    /// <summary>Asks the region of <paramref name="type"/> for the cluster-wide stats, the regions answering within <paramref name="timeout"/>.</summary>
    public static async Task<OpsResult> RegionStatsAsync(ActorSystem system, string type, TimeSpan timeout, CancellationToken cancelled)
    {
        if (!system.HasExtension<ClusterSharding>()) return OpsResult.Line(NotRunning);
        var sharding = ClusterSharding.Get(system);
        var types = sharding.ShardTypeNames.Order(StringComparer.Ordinal).ToArray();
        if (!types.Contains(type, StringComparer.Ordinal))
            return OpsResult.Failed($"no shard region type '{type}' on this node (types: {(types.Length == 0 ? "none" : string.Join(", ", types))})");

        // The region asks every region in the cluster within the timeout; the extra second is for its answer to us.
        var stats = await sharding.ShardRegion(type)
            .Ask<ClusterShardingStats>(new GetClusterShardingStats(timeout), timeout + TimeSpan.FromSeconds(1), cancelled)
            .ConfigureAwait(false);
        var rows = new List<string[]>();
        foreach (var (node, region) in stats.Regions.OrderBy(r => r.Key.ToString(), StringComparer.Ordinal))
        {
            foreach (var (shard, entities) in region.Stats.OrderBy(s => s.Key, StringComparer.Ordinal))
                rows.Add([node.ToString(), shard, Count(entities)]);
            foreach (var shard in region.Failed.Order(StringComparer.Ordinal))
                rows.Add([node.ToString(), shard, "? (no answer)"]);
        }
        return OpsResult.Ok(OpsFrame.Table("region-stats", ["node", "shard", "entities"], rows));
    }

    /// <summary>Asks each shard region of <paramref name="system"/> for its state, each within <paramref name="timeout"/>.</summary>
    public static async Task<OpsResult> RegionsAsync(ActorSystem system, TimeSpan timeout, CancellationToken cancelled)
    {
        // Asking for the extension would start sharding on a node that does not use it.
        if (!system.HasExtension<ClusterSharding>()) return OpsResult.Line(NotRunning);
        var sharding = ClusterSharding.Get(system);
        var names = sharding.ShardTypeNames.Order(StringComparer.Ordinal).ToArray();
        if (names.Length == 0) return OpsResult.Line(NotRunning);

        var rows = new List<string[]>();
        foreach (var name in names)
        {
            try
            {
                var region = sharding.ShardRegion(name);
                var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, timeout, cancelled).ConfigureAwait(false);
                var entities = state.Shards.Sum(s => s.EntityIds.Count);
                rows.Add([name, Count(state.Shards.Count), Count(entities), region.Path.ToStringWithoutAddress()]);
            }
            catch (AskTimeoutException)
            {
                rows.Add([name, "?", "?", $"no answer within {timeout.TotalSeconds:0.#}s"]);
            }
        }
        return OpsResult.Ok(OpsFrame.Table("regions", ["type", "shards", "entities", "region"], rows));
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
