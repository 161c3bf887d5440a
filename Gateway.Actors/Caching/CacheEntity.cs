using Akka.Actor;
using Gateway.Protocol.Caching;

namespace Gateway.Actors.Caching;

/// <summary>
/// L2 owner of one shard of the cache key space, the one entity of its shard in the <c>cache</c> region (not persistent,
/// never passivated). Its entries live in this node's L2 store, bounded by bytes and entries for all shards together,
/// under keys prefixed by the shard; when the shard moves to another node (rebalance, leaving) they are dropped here.
/// </summary>
internal sealed class CacheEntity : ReceiveActor
{
    private readonly ResponseCache _cache;
    private readonly string _prefix;

    /// <summary>Props of an entity storing into <paramref name="cache"/>'s L2 store.</summary>
    public static Props Props(ResponseCache cache) => Akka.Actor.Props.Create(() => new CacheEntity(cache));

    /// <summary>Creates the entity; use <see cref="Props"/>.</summary>
    public CacheEntity(ResponseCache cache)
    {
        _cache = cache;
        _prefix = StoreKey(Uri.UnescapeDataString(Self.Path.Name), "");
        Receive<GetCachedResponse>(msg =>
        {
            var found = cache.L2.Lookup(_prefix + msg.BaseKey, msg.Headers, out var varies);
            // The age travels, not the clock reading: the asking node re-bases it on its own clock.
            Sender.Tell(found is not null
                ? new CachedResponseFound(found with { InitialAge = CachePolicy.CurrentAge(found, cache.Now), ResponseTime = default })
                : varies.IsDefaultOrEmpty ? CachedResponseMissing.Instance : new CachedResponseVaries(varies));
        });
        Receive<StoreCachedResponse>(msg =>
            cache.L2.Store(_prefix + msg.BaseKey, msg.Response with { ResponseTime = cache.Now }, CacheKeys.ToHeaders(msg.Headers)));
    }

    /// <summary>The L2 store key of <paramref name="baseKey"/> in shard <paramref name="shard"/>.</summary>
    public static string StoreKey(string shard, string baseKey) => shard + "\u001d" + baseKey;

    /// <inheritdoc />
    protected override void PostStop() => _cache.L2.RemoveByPrefix(_prefix);
}
