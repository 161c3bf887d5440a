using Akka.Cluster.Sharding;
using Gateway.Protocol.Cluster;

namespace Gateway.Actors.ConfigStore;

/// <summary>Routes messages to config entities by <see cref="IWithEntityKey.EntityKey"/>.</summary>
internal sealed class ConfigEntityExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    /// <inheritdoc />
    public override string? EntityId(object message) => (message as IWithEntityKey)?.EntityKey;
}
