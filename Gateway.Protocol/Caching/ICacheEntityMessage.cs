using Gateway.Protocol.Cluster;

namespace Gateway.Protocol.Caching;

/// <summary>A message for one L2 cache entity; the cache region's extractor reads <see cref="CacheEntityId"/> only.</summary>
public interface ICacheEntityMessage : IGatewayMessage
{
    /// <summary>The entity id: a digest of the base cache key (see the node's <c>CacheKeys.EntityId</c>).</summary>
    string CacheEntityId { get; }
}
