using Gateway.Protocol.Cluster;

namespace Gateway.Protocol.Upstreams;

/// <summary>Persisted by an upstream entity: the upstream now has this definition (its version included).</summary>
public sealed record UpstreamUpserted(UpstreamDefinition Upstream) : IGatewayMessage;

/// <summary>Persisted by an upstream entity: the upstream was deleted; <paramref name="Version"/> is the version the deletion took.</summary>
public sealed record UpstreamDeleted(string Name, long Version) : IGatewayMessage;

/// <summary>
/// Published by a node's upstream actor to every node (cluster pub-sub) when one of its endpoints trips, so the other
/// nodes open it too instead of each finding out with failed requests of their own.
/// </summary>
/// <param name="Upstream">Upstream name.</param>
/// <param name="Endpoint">Endpoint base URL.</param>
/// <param name="Ejection">How long the announcing node keeps it open.</param>
/// <param name="Node">Address of the announcing node.</param>
/// <param name="At">When it tripped (UTC), to measure propagation.</param>
public sealed record EndpointEjected(string Upstream, string Endpoint, TimeSpan Ejection, string Node, DateTime At) : IGatewayMessage;
