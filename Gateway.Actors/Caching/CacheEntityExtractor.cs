using Akka.Cluster.Sharding;
using Gateway.Protocol.Caching;

namespace Gateway.Actors.Caching;

/// <summary>Routes messages to cache entities by <see cref="ICacheEntityMessage.CacheEntityId"/>.</summary>
public sealed class CacheEntityExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    /// <inheritdoc />
    public override string? EntityId(object message) => (message as ICacheEntityMessage)?.CacheEntityId;
}
