using Gateway.Protocol.Cluster;

namespace Gateway.Protocol.Upstreams;

/// <summary>Persisted by an upstream entity: the upstream now has this definition (its version included).</summary>
public sealed record UpstreamUpserted(UpstreamDefinition Upstream) : IGatewayMessage;

/// <summary>Persisted by an upstream entity: the upstream was deleted; <paramref name="Version"/> is the version the deletion took.</summary>
public sealed record UpstreamDeleted(string Name, long Version) : IGatewayMessage;
