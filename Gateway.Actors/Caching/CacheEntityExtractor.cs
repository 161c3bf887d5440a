using Akka.Cluster.Sharding;
using Gateway.Protocol.Caching;

namespace Gateway.Actors.Caching;

/// <summary>
/// Routes messages of the <c>cache</c> region: the entity id is the key's shard number and is also the shard id, so each
/// shard has exactly one entity and their number is fixed by <c>gateway.cache.l2.shards</c>, whatever the keys.
/// </summary>
internal sealed class CacheEntityExtractor : IMessageExtractor
{
    /// <inheritdoc />
    public string? EntityId(object message) => (message as ICacheEntityMessage)?.CacheEntityId;

    /// <inheritdoc />
    public object? EntityMessage(object message) => message;

    /// <inheritdoc />
    public string? ShardId(object message) => EntityId(message) ?? (message as ShardRegion.StartEntity)?.EntityId;

    /// <inheritdoc />
    public string ShardId(string entityId, object? messageHint = null) => entityId;
}
