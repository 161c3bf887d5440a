namespace Gateway.Protocol.Cluster;

/// <summary>Sent by a node's config bootstrap to a config entity after startup: write your current state to Distributed Data again.</summary>
public sealed record Republish(string EntityKey) : IWithEntityKey;

/// <summary>Reply of a config entity to <see cref="Republish"/> once the write reached Distributed Data.</summary>
public sealed record Republished(string EntityKey, long Version) : IGatewayMessage;
