using Gateway.Protocol.Cluster;

namespace Gateway.Protocol.Routing;

/// <summary>Sent (through the shard region) to the route's entity: create or replace the route, optionally only at <paramref name="ExpectedVersion"/>.</summary>
/// <remarks>The entity answers with an <see cref="ICommandReply"/>; an identical definition is accepted without a new version.</remarks>
public sealed record UpsertRoute(RouteDefinition Route, long? ExpectedVersion = null) : IConfigCommand
{
    /// <inheritdoc />
    public string EntityKey => EntityKeys.Route(Route.Id);

    /// <inheritdoc />
    public long? Deadline { get; init; }
}

/// <summary>Sent to the route's entity: delete the route, optionally only at <paramref name="ExpectedVersion"/>.</summary>
public sealed record DeleteRoute(string RouteId, long? ExpectedVersion = null) : IConfigCommand
{
    /// <inheritdoc />
    public string EntityKey => EntityKeys.Route(RouteId);

    /// <inheritdoc />
    public long? Deadline { get; init; }
}
