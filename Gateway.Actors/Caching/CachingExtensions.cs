using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;

namespace Gateway.Actors.Caching;

/// <summary>Registry key of the <c>cache</c> shard region.</summary>
internal sealed class CacheRegionKey;

/// <summary>Registry key of <c>/user/cache</c>.</summary>
public sealed class CacheActorKey;

/// <summary>Akka.Hosting registration of the response cache's actors.</summary>
internal static class CachingExtensions
{
    /// <summary>Name of the shard region of L2 cache entities (<c>/system/sharding/cache</c>).</summary>
    public const string RegionName = "cache";

    /// <summary>
    /// Starts <c>/user/cache</c> (purges) and, when <c>gateway.cache.l2.enabled</c>, the <c>cache</c> shard region
    /// (coordinator state in Distributed Data, no remember-entities, one entity per shard that is never passivated) and
    /// connects it to <paramref name="cache"/>.
    /// </summary>
    public static AkkaConfigurationBuilder AddGatewayCache(this AkkaConfigurationBuilder builder, ResponseCache cache)
    {
        var settings = cache.Settings;
        if (settings.L2Enabled)
        {
            builder.WithShardRegion<CacheRegionKey>(RegionName, _ => CacheEntity.Props(cache), new CacheEntityExtractor(),
                new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false, ShouldPassivateIdleEntities = false });
        }
        return builder.WithActors((system, registry) =>
        {
            if (settings.L2Enabled)
                cache.AttachCluster(new ShardedCacheCluster(registry.Get<CacheRegionKey>(), settings.L2Shards, settings.L2AskTimeout, cache.Time));
            registry.Register<CacheActorKey>(system.ActorOf(CacheActor.Props(cache), "cache"));
        });
    }
}
