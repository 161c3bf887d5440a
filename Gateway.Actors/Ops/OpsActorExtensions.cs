using Akka.Hosting;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Actors.Ops;

/// <summary>Registry key of <c>/user/ops</c>.</summary>
public sealed class OpsActorKey;

/// <summary>Akka.Hosting registration of the ops actor.</summary>
internal static class OpsActorExtensions
{
    /// <summary>Starts <c>/user/ops</c> over the DI <see cref="RouteTableHolder"/> and <see cref="LogBuffer"/>, with <paramref name="settings"/>.</summary>
    public static AkkaConfigurationBuilder AddGatewayOps(this AkkaConfigurationBuilder builder, OpsSettings settings) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var context = new OpsContext(
                system,
                resolver.GetService<RouteTableHolder>(),
                resolver.GetService<LogBuffer>(),
                GatewayMetrics.Recent,
                settings)
            {
                Drain = resolver.GetService<INodeDrain>(),
            };
            registry.Register<OpsActorKey>(system.ActorOf(OpsActor.Props(context), "ops"));
        });
}
