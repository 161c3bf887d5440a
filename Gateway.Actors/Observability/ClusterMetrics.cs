using Akka.Actor;
using Akka.Cluster;
using Prometheus;

namespace Gateway.Actors.Observability;

/// <summary>
/// Membership as this node sees it, read from the cluster's current state when Prometheus scrapes (no actor, no timer):
/// members by status and members this node finds unreachable.
/// </summary>
public static class ClusterMetrics
{
    private static readonly MemberStatus[] Statuses = Enum.GetValues<MemberStatus>();

    /// <summary>Members by status (up, joining, leaving, exiting, down, removed, weakly-up) in this node's view.</summary>
    public static readonly Gauge Members = Metrics.CreateGauge(
        "gateway_cluster_members", "Cluster members in this node's view, by status.",
        new GaugeConfiguration { LabelNames = ["status"] });

    /// <summary>Members this node's failure detector marks unreachable.</summary>
    public static readonly Gauge Unreachable = Metrics.CreateGauge(
        "gateway_cluster_unreachable_members", "Cluster members this node finds unreachable.");

    /// <summary>Updates the gauges from <paramref name="system"/>'s cluster before every scrape.</summary>
    public static void Register(ActorSystem system)
    {
        if (system is not ExtendedActorSystem { Provider: Akka.Cluster.ClusterActorRefProvider }) return;
        var cluster = Cluster.Get(system);
        foreach (var status in Statuses) Members.WithLabels(Name(status)).Set(0);
        Unreachable.Set(0);
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            var state = cluster.State;
            foreach (var status in Statuses) Members.WithLabels(Name(status)).Set(state.Members.Count(m => m.Status == status));
            Unreachable.Set(state.Unreachable.Count);
        });
    }

    // WeaklyUp -> weakly-up: as the operator reads it in `pbm cluster show`.
    private static string Name(MemberStatus status) => Gateway.Protocol.Configuration.DefinitionReader.ToKebab(status.ToString());
}
