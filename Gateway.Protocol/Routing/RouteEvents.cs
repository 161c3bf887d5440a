using Gateway.Protocol.Cluster;

namespace Gateway.Protocol.Routing;

/// <summary>Persisted by a route entity: the route now has this definition (its <see cref="RouteDefinition.Version"/> included).</summary>
public sealed record RouteUpserted(RouteDefinition Route) : IGatewayMessage;

/// <summary>Persisted by a route entity: the route was deleted; <paramref name="Version"/> is the version the deletion took.</summary>
public sealed record RouteDeleted(string RouteId, long Version) : IGatewayMessage;
