using Gateway.Protocol.Cluster;

namespace Gateway.Protocol.Caching;

/// <summary>A message for one L2 cache entity; the cache region's extractor reads <see cref="CacheEntityId"/> only.</summary>
public interface ICacheEntityMessage : IGatewayMessage
{
    /// <summary>The entity id, also the shard id: the key's shard number (see the node's <c>CacheKeys.ShardOf</c>).</summary>
    string CacheEntityId { get; }
}
