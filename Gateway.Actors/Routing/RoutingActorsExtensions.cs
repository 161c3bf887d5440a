using Akka.Hosting;
using Gateway.Actors.Upstreams;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Actors.Routing;

/// <summary>Registry keys of the routing actors.</summary>
internal sealed class RouteTableActorKey;

/// <summary>Registry key of the upstreams actor.</summary>
internal sealed class UpstreamsActorKey;

/// <summary>Akka.Hosting registration of <c>/user/upstreams</c> and <c>/user/route-table</c>.</summary>
internal static class RoutingActorsExtensions
{
    /// <summary>Starts the upstreams and route-table actors; the route table publishes into the DI <see cref="RouteTableHolder"/>.</summary>
    public static AkkaConfigurationBuilder AddGatewayRouting(this AkkaConfigurationBuilder builder, UpstreamDefaults defaults, RateLimiting.ClientAddressResolver clients) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var holder = resolver.GetService<RouteTableHolder>();
            var clusterLimits = resolver.GetService<RateLimiting.ClusterRateLimitRegistry>();
            var gossip = RateLimiting.RateLimitGossipSettings.FromConfig(system.Settings.Config);
            system.ActorOf(RateLimiting.RateLimitGossipActor.Props(clusterLimits, gossip), "rate-limits");
            var upstreams = system.ActorOf(UpstreamsActor.Props(defaults), "upstreams");
            var table = system.ActorOf(RouteTableActor.Props(holder, upstreams, clients, clusterLimits, resolver.GetService<Security.NodeSecurity>(),
                resolver.GetService<Forwarding.ForwardingServices>(), resolver.GetService<Caching.ResponseCache>()), "route-table");
            registry.Register<UpstreamsActorKey>(upstreams);
            registry.Register<RouteTableActorKey>(table);
        });
}
