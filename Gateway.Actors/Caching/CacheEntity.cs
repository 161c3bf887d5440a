using Akka.Actor;
using Gateway.Protocol.Caching;

namespace Gateway.Actors.Caching;

/// <summary>
/// L2 owner of one base cache key, an entity of the <c>cache</c> shard region (not persistent; it passivates after
/// <c>gateway.cache.l2.idle-timeout</c> and its entry goes with it). The entry itself lives in this node's memory-bounded
/// L2 store, so the bound holds for all the entities on the node together.
/// </summary>
public sealed class CacheEntity : ReceiveActor
{
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly ResponseCache _cache;

    /// <summary>Props of an entity storing into <paramref name="cache"/>'s L2 store.</summary>
    public static Props Props(ResponseCache cache) => Akka.Actor.Props.Create(() => new CacheEntity(cache));

    /// <summary>Creates the entity; use <see cref="Props"/>.</summary>
    public CacheEntity(ResponseCache cache)
    {
        _cache = cache;
        Receive<GetCachedResponse>(msg =>
        {
            var found = cache.L2.Lookup(msg.BaseKey, CacheKeys.ToHeaders(msg.Headers));
            // The age travels, not the clock reading: the asking node re-bases it on its own clock.
            Sender.Tell(found is null
                ? CachedResponseMissing.Instance
                : new CachedResponseFound(found with { InitialAge = CachePolicy.CurrentAge(found, cache.Now), ResponseTime = default }));
        });
        Receive<StoreCachedResponse>(msg =>
        {
            cache.L2.Store(msg.BaseKey, msg.Response with { ResponseTime = cache.Now }, CacheKeys.ToHeaders(msg.Headers));
            _keys.Add(msg.BaseKey);
        });
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        foreach (var key in _keys) _cache.L2.Remove(key);
    }
}
