using System.Collections.Immutable;
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
/// request: a hit costs nothing remote, and a miss costs at most the timeout more than going upstream directly. A key
/// whose responses vary, and whose rule this node does not know yet, costs a second ask carrying the values the owner named.
/// The owner is the key's shard (<see cref="CacheKeys.ShardOf"/>), so the region holds at most <paramref name="shards"/> entities.
/// </remarks>
internal sealed class ShardedCacheCluster(IActorRef region, int shards, TimeSpan askTimeout, TimeProvider time) : ICacheCluster
{
    /// <inheritdoc />
    public async Task<CachedResponse?> GetAsync(string baseKey, IHeaderDictionary headers, ImmutableArray<string> vary, string? credentialHeader)
    {
        var shard = CacheKeys.ShardOf(baseKey, shards);
        try
        {
            // Two rounds at most: the first with what this node knows, the second with what the owner named.
            for (var round = 0; round < 2; round++)
            {
                if (CacheKeys.VariesOnCredentials(vary, credentialHeader)) return null;
                var reply = await region.Ask<object>(new GetCachedResponse(shard, baseKey, CacheKeys.Selected(headers, vary)), askTimeout).ConfigureAwait(false);
                switch (reply)
                {
                    case CachedResponseFound found:
                        return found.Response with { ResponseTime = time.GetUtcNow() };
                    case CachedResponseVaries varies when round == 0:
                        vary = varies.Headers;
                        continue;
                    default:
                        return null;
                }
            }
            return null;
        }
        catch (AskTimeoutException)
        {
            CacheMetrics.ClusterTimeouts.Inc();
            return null;
        }
    }

    /// <inheritdoc />
    public void Store(string baseKey, IHeaderDictionary headers, CachedResponse response, DateTimeOffset now) =>
        region.Tell(new StoreCachedResponse(CacheKeys.ShardOf(baseKey, shards), baseKey, CacheKeys.Selected(headers, response.Vary),
            response with { InitialAge = CachePolicy.CurrentAge(response, now), ResponseTime = default }));
}
