using System.Collections.Immutable;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Configuration;

namespace Gateway.Actors.Routing;

/// <summary>Sent to the route-table actor with the node's complete, validated set of upstreams and routes to serve.</summary>
internal sealed record ApplyDefinitions(GatewayDefinitions Definitions)
{
    /// <summary>Told <see cref="DefinitionsApplied"/> once a table built from these definitions (or newer ones) is published.</summary>
    public Akka.Actor.IActorRef? AckTo { get; init; }
}

/// <summary>Sent by the route-table actor to <see cref="ApplyDefinitions.AckTo"/> once the table is published.</summary>
internal sealed record DefinitionsApplied(long Generation);

/// <summary>Sent by the route-table actor to the upstreams actor: make these the node's upstreams.</summary>
internal sealed record ApplyUpstreams(ImmutableArray<Protocol.Upstreams.UpstreamDefinition> Upstreams, long Generation);

/// <summary>Reply of the upstreams actor to <see cref="ApplyUpstreams"/>: the runtimes routes may now point at.</summary>
internal sealed record UpstreamsApplied(ImmutableDictionary<string, UpstreamRuntime> Runtimes, long Generation);

/// <summary>Published on the event stream by the route-table actor after it swapped in a new table.</summary>
internal sealed record RouteTablePublished(long Generation, int RouteCount, ImmutableArray<string> SkippedRoutes);
