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

/// <summary>
/// Sent by a config entity, right after it stored a change (or republished its state), to <c>/user/route-replica</c> on every
/// reachable member: <paramref name="Value"/> is the entry it writes to Distributed Data (the definition's JSON, or a
/// versioned tombstone). The replica merges it like any replicated entry (only a higher version moves its view), so a node
/// serves the change one message after it was stored instead of after Distributed Data's delta and notification ticks.
/// </summary>
public sealed record DefinitionWritten(string EntityKey, string Value) : IGatewayMessage;

/// <summary>Reply of a node's route replica to <see cref="AwaitDefinitionServed"/>.</summary>
public sealed record DefinitionServed(string EntityKey, long Version) : IGatewayMessage;

/// <summary>
/// Sent by the admin API to a config entity when its command got no answer by the deadline: answer the reply that command
/// got, or <see cref="CommandNotApplied"/> when the entity never applied it (it then never will: the deadline has passed).
/// Queued behind a command in progress, so the answer is the truth once that command is stored.
/// </summary>
public sealed record GetCommandOutcome(string EntityKey, Guid CommandId) : IWithEntityKey;
