using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Gateway.Protocol.Caching;

namespace Gateway.Actors.Caching;

/// <summary>
/// <c>/user/cache</c>: carries out purges. A purge asked on this node (admin API, pbm) is applied here at once and
/// published to every node through cluster pub-sub, as endpoint ejections are; each node's actor applies what it
/// receives to its L1 and to the L2 entries it owns.
/// </summary>
public sealed class CacheActor : ReceiveActor
{
    /// <summary>Pub-sub topic of purges.</summary>
    public const string PurgesTopic = "gateway.cache-purges";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _mediator = DistributedPubSub.Get(Context.System).Mediator;

    /// <summary>Props for the actor purging <paramref name="cache"/>.</summary>
    public static Props Props(ResponseCache cache) => Akka.Actor.Props.Create(() => new CacheActor(cache));

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public CacheActor(ResponseCache cache)
    {
        Receive<RequestPurge>(msg =>
        {
            var (l1, l2) = cache.PurgeLocal(msg.Purge);
            _mediator.Tell(new Publish(PurgesTopic, msg.Purge));
            _log.Info("Cache purge {Selector} asked here: {L1Removed} L1 and {L2Removed} L2 entries removed on this node, published to the cluster",
                Describe(msg.Purge), l1, l2);
            Sender.Tell(new PurgeApplied(l1, l2));
        });
        Receive<PurgeCache>(msg =>
        {
            var (l1, l2) = cache.PurgeLocal(msg);
            if (l1 + l2 > 0) _log.Info("Cache purge {Selector} from the cluster: {L1Removed} L1 and {L2Removed} L2 entries removed", Describe(msg), l1, l2);
        });
        Receive<GetCacheStats>(_ => Sender.Tell(new CacheStats(cache.L1.Count, cache.L1.Size, cache.L2.Count, cache.L2.Size)));
        Receive<SubscribeAck>(_ => { });
    }

    /// <inheritdoc />
    protected override void PreStart() => _mediator.Tell(new Subscribe(PurgesTopic, Self));

    private static string Describe(PurgeCache purge) => purge.Prefix is not null ? $"prefix '{purge.Prefix}'" : $"key '{purge.Target}'";

    /// <summary>Sent to <c>/user/cache</c> by the admin API or pbm: purge here and on every node; answered with <see cref="PurgeApplied"/>.</summary>
    public sealed record RequestPurge(PurgeCache Purge);

    /// <summary>Sent to <c>/user/cache</c> by pbm: answer with <see cref="CacheStats"/>.</summary>
    public sealed record GetCacheStats
    {
        /// <summary>The instance.</summary>
        public static GetCacheStats Instance { get; } = new();
    }

    /// <summary>Reply to <see cref="GetCacheStats"/>: entries and bytes in this node's L1 and L2 stores.</summary>
    public sealed record CacheStats(int L1Entries, long L1Bytes, int L2Entries, long L2Bytes);

    /// <summary>Reply to <see cref="RequestPurge"/>: entries removed on this node from L1 and L2 (the others purge as the publication reaches them).</summary>
    public sealed record PurgeApplied(int L1Removed, int L2Removed);
}
