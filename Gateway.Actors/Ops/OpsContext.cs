using Akka.Actor;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Routing;

namespace Gateway.Actors.Ops;

/// <summary>What the ops palettes read and act on: the node's actor system, route table, recent logs and request stats.</summary>
public sealed record OpsContext(
    ActorSystem System,
    RouteTableHolder Routes,
    LogBuffer Logs,
    RequestStats Stats,
    OpsSettings Settings)
{
    /// <summary>Every palette the node offers, in help order.</summary>
    public OpsCatalog Catalog { get; init; } = OpsCatalog.Default;

    /// <summary>The node's graceful drain, for <c>gateway drain</c>; null where no node host runs (actor tests).</summary>
    public INodeDrain? Drain { get; init; }
}
