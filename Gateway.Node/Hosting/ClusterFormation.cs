using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Dsl;
using Akka.Configuration;
using Akka.Event;

namespace Gateway.Node.Hosting;

/// <summary>
/// How a node finds its cluster: seed nodes (the default), Akka.Management's Cluster.Bootstrap over service discovery
/// (<c>gateway.cluster-bootstrap.enabled</c>: config discovery for local clusters, the Kubernetes API for ops/k8s) with
/// our own contact point (<see cref="ContactPointEndpoint"/>), or, with neither, a cluster of one by joining itself.
/// </summary>
public static class ClusterFormation
{
    /// <summary>True when <paramref name="config"/> turns Cluster.Bootstrap on.</summary>
    public static bool UsesBootstrap(Config config) => Gateway.Actors.ConfigValues.Flag(config, "", "gateway.cluster-bootstrap.enabled");

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

        // The contact point answers the other nodes' probes; bootstrap then discovers them, joins an existing cluster,
        // or (the lowest address, once enough contact points are stable) forms a new one.
        _ = StartBootstrapAsync(system);
    }

    private static async Task StartBootstrapAsync(ActorSystem system)
    {
        try
        {
            // ContactPointEndpoint replaces Akka.Management's Ceen-based HTTP endpoint (AkkaManagement.Start): its
            // Akka.Http.Shim needs Ceen.Httpd 0.9.9, which our NuGet mirror lacks (0.9.10 fails with MissingMethodException).
            var endpoint = await ContactPointEndpoint.StartAsync(system, AkkaManagement.Get(system).Settings.Http).ConfigureAwait(false);
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "stop-contact-point", async () =>
            {
                await endpoint.DisposeAsync().ConfigureAwait(false);
                return Done.Instance;
            });
            var bootstrap = ClusterBootstrap.Get(system);
            // Bootstrap learns its own contact point from the route provider call of whoever serves its routes; the
            // routes it returns are Akka.Management's (Ceen) handlers, which nothing here serves.
            bootstrap.Routes(ManagementRouteProviderSettings.Create(endpoint.SelfContactPoint, readOnly: true));
            system.Log.Info("Cluster.Bootstrap contact point {0} answering {1}", endpoint.SelfContactPoint, ContactPointEndpoint.SeedNodesPath);
            await bootstrap.Start().ConfigureAwait(false);
            system.Log.Info("Cluster.Bootstrap started: discovering contact points");
        }
        catch (Exception ex)
        {
            system.Log.Error(ex, "Cluster.Bootstrap could not start; this node will not join a cluster");
        }
    }
}
