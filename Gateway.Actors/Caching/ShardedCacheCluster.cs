using Akka.Actor;
using Gateway.Protocol.Caching;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Caching;

/// <summary>
/// The L2 level through the <c>cache</c> shard region: one Ask of the key's owner per L1 miss (bounded by
/// <c>gateway.cache.l2.ask-timeout</c>; a timeout counts as a miss), and a Tell of what was fetched.
/// </summary>
/// <remarks>
/// This is the one remote call on the request path, made only on an L1 miss that leads a collapsed group, never per
/// request: a hit costs nothing remote, and a miss costs at most the timeout more than going upstream directly.
/// </remarks>
public sealed class ShardedCacheCluster(IActorRef region, TimeSpan askTimeout, TimeProvider time) : ICacheCluster
{
    /// <inheritdoc />
    public async Task<CachedResponse?> GetAsync(string baseKey, IHeaderDictionary headers)
    {
        try
        {
            var reply = await region.Ask<object>(new GetCachedResponse(CacheKeys.EntityId(baseKey), baseKey, CacheKeys.ShareableHeaders(headers)), askTimeout)
                .ConfigureAwait(false);
            return reply is CachedResponseFound found ? found.Response with { ResponseTime = time.GetUtcNow() } : null;
        }
        catch (AskTimeoutException)
        {
            CacheMetrics.ClusterTimeouts.Inc();
            return null;
        }
    }

    /// <inheritdoc />
    public void Store(string baseKey, IHeaderDictionary headers, CachedResponse response, DateTimeOffset now) =>
        region.Tell(new StoreCachedResponse(CacheKeys.EntityId(baseKey), baseKey, CacheKeys.ShareableHeaders(headers),
            response with { InitialAge = CachePolicy.CurrentAge(response, now), ResponseTime = default }));
}
