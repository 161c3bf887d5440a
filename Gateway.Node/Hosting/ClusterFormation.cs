using Akka.Actor;
using Akka.Cluster;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Dsl;
using Akka.Configuration;
using Akka.Event;

namespace Gateway.Node.Hosting;

/// <summary>
/// How a node finds its cluster: seed nodes (the default), Akka.Management's Cluster.Bootstrap over service discovery
/// (<c>gateway.cluster-bootstrap.enabled</c>: config discovery for local clusters, the Kubernetes API for ops/k8s), or,
/// with neither, a cluster of one by joining itself.
/// </summary>
public static class ClusterFormation
{
    /// <summary>True when <paramref name="config"/> turns Cluster.Bootstrap on.</summary>
    public static bool UsesBootstrap(Config config) => config.GetBoolean("gateway.cluster-bootstrap.enabled");

    /// <summary>Starts forming or joining the cluster of <paramref name="system"/> the way its config says.</summary>
    public static void Start(ActorSystem system, bool bootstrap, bool hasSeedNodes)
    {
        var cluster = Cluster.Get(system);
        if (!bootstrap)
        {
            // No seed nodes: this node is a cluster of one, so one machine runs the same code path as many.
            if (!hasSeedNodes) cluster.Join(cluster.SelfAddress);
            return;
        }

        // The management HTTP endpoint answers the other nodes' contact-point probes; bootstrap then discovers them,
        // joins an existing cluster, or (the lowest address, once enough contact points are stable) forms a new one.
        _ = StartBootstrapAsync(system);
    }

    private static async Task StartBootstrapAsync(ActorSystem system)
    {
        try
        {
            await AkkaManagement.Get(system).Start().ConfigureAwait(false);
            await ClusterBootstrap.Get(system).Start().ConfigureAwait(false);
            system.Log.Info("Cluster.Bootstrap started: discovering contact points");
        }
        catch (Exception ex)
        {
            system.Log.Error(ex, "Cluster.Bootstrap could not start; this node will not join a cluster");
        }
    }
}
