using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>The <c>cluster sharding</c> commands: the shard regions running on this node and what they host.</summary>
public static class ShardingCommands
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
