namespace Gateway.Protocol.Cluster;

/// <summary>Sent by a node's config bootstrap to a config entity after startup: write your current state to Distributed Data again.</summary>
public sealed record Republish(string EntityKey) : IWithEntityKey;

/// <summary>Reply of a config entity to <see cref="Republish"/> once the write reached Distributed Data.</summary>
public sealed record Republished(string EntityKey, long Version) : IGatewayMessage;

/// <summary>
/// Sent by the admin API of the node that took a write to <c>/user/route-replica</c> on every reachable node: answer
/// <see cref="DefinitionServed"/> once this node's route table serves <paramref name="EntityKey"/> at <paramref name="Version"/> or later.
/// </summary>
public sealed record AwaitDefinitionServed(string EntityKey, long Version) : IGatewayMessage;

/// <summary>Reply of a node's route replica to <see cref="AwaitDefinitionServed"/>.</summary>
public sealed record DefinitionServed(string EntityKey, long Version) : IGatewayMessage;
