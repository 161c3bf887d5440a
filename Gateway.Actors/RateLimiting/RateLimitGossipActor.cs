using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;

namespace Gateway.Actors.RateLimiting;

/// <summary>
/// <c>/user/rate-limits</c>: each round, measures this node's demand per cluster-scope key, publishes it to the other
/// nodes through Distributed Data (<see cref="DemandGossip"/>: hottest keys only, sharded over several entries, one LWW
/// value per node per shard, written only by that node and only when it changed), and sets this node's share of every
/// limit from its demand and theirs. Whose demand counts is decided by cluster membership, not by clocks: a report
/// counts while its writer (that incarnation of the node) is an Up, reachable member. Nothing here runs per request, and
/// a node without cluster-scope traffic writes nothing.
/// </summary>
internal sealed class RateLimitGossipActor : ReceiveActor, IWithTimers
{
    private const double Smoothing = 0.5;
    private const int EvictAfterIdleRounds = 240;

    private readonly ClusterRateLimitRegistry _registry;
    private readonly RateLimitGossipSettings _settings;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly string _self;
    private readonly long _selfUid;
    private readonly LWWDictionaryKey<string, string>[] _keys;
    private readonly string?[] _written;
    private readonly DemandView _view;

    /// <summary>Props for the node's rate-limit actor.</summary>
    public static Props Props(ClusterRateLimitRegistry registry, RateLimitGossipSettings settings) =>
        Akka.Actor.Props.Create(() => new RateLimitGossipActor(registry, settings));

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public RateLimitGossipActor(ClusterRateLimitRegistry registry, RateLimitGossipSettings settings)
    {
        _registry = registry;
        _settings = settings;
        _self = _cluster.SelfAddress.ToString();
        _selfUid = _cluster.SelfUniqueAddress.Uid;
        _keys = Enumerable.Range(0, settings.Shards).Select(i => new LWWDictionaryKey<string, string>($"gateway-ratelimit-demand-{i}")).ToArray();
        _view = new DemandView(_self, settings.Shards);
        _written = new string?[settings.Shards];
        Receive<Round>(_ => RunRound());
        Receive<Changed>(changed =>
        {
            var shard = Array.FindIndex(_keys, k => k.Equals(changed.Key));
            if (shard >= 0) _view.Seen(shard, changed.Get(_keys[shard]).Entries);
        });
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            foreach (var member in state.Members.Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp))
                _view.MemberUp(member.Address.ToString(), member.UniqueAddress.Uid);
            foreach (var member in state.Unreachable) _view.Reachability(member.Address.ToString(), unreachable: true);
            MembershipChanged();
        });
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            var address = e.Member.Address.ToString();
            if (e is ClusterEvent.MemberUp or ClusterEvent.MemberWeaklyUp) _view.MemberUp(address, e.Member.UniqueAddress.Uid);
            else if (e is ClusterEvent.MemberRemoved or ClusterEvent.MemberExited or ClusterEvent.MemberLeft or ClusterEvent.MemberDowned)
                _view.MemberGone(address, e.Member.UniqueAddress.Uid);
            if (e is ClusterEvent.MemberRemoved) _view.Reachability(address, unreachable: false);
            MembershipChanged();
        });
        Receive<ClusterEvent.UnreachableMember>(e =>
        {
            _view.Reachability(e.Member.Address.ToString(), unreachable: true);
            MembershipChanged();
        });
        Receive<ClusterEvent.ReachableMember>(e =>
        {
            _view.Reachability(e.Member.Address.ToString(), unreachable: false);
            MembershipChanged();
        });
        Receive<UpdateSuccess>(_ => { });
        Receive<UpdateTimeout>(_ => { });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    protected override void PreStart()
    {
        foreach (var key in _keys) _replicator.Tell(Dsl.Subscribe(key, Self));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer("round", Round.Instance, _settings.Interval);
    }

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void MembershipChanged()
    {
        var nodes = _view.LiveMembers;
        _registry.Members = nodes;
        foreach (var limiter in _registry.Limiters) limiter.Nodes = nodes;
    }

    private void RunRound()
    {
        var limiters = _registry.Limiters;
        var nodes = _view.LiveMembers;
        var othersDemand = _view.Others;
        var active = new List<(ClusterRateLimiter Limiter, ShareBucket Bucket, string Entry)>();
        foreach (var limiter in limiters)
        {
            limiter.Nodes = nodes;
            foreach (var (key, bucket) in limiter.Buckets)
            {
                var demand = bucket.TakeDemand();
                bucket.DemandRate = Smoothing * (demand / _settings.Interval.TotalSeconds) + (1 - Smoothing) * bucket.DemandRate;
                bucket.IdleRounds = demand == 0 ? bucket.IdleRounds + 1 : 0;
                if (bucket.IdleRounds > EvictAfterIdleRounds) limiter.Evict(key);
                else active.Add((limiter, bucket, DemandGossip.EntryKey(limiter.RouteId, key)));
            }
        }

        // Past max-gossiped-keys only the hottest are reported; the others, which no node learns about, keep an equal share.
        var cutoff = active.Count <= _settings.MaxGossipedKeys
            ? 0
            : _settings.MaxGossipedKeys == 0 ? double.MaxValue : active.Select(a => a.Bucket.DemandRate).OrderDescending().ElementAt(_settings.MaxGossipedKeys - 1);
        var report = new List<KeyValuePair<string, double>>();
        foreach (var (limiter, bucket, entry) in active)
        {
            var reported = bucket.DemandRate >= 0.01 && bucket.DemandRate >= cutoff;
            var others = reported ? othersDemand.GetValueOrDefault(entry) : 0;
            bucket.OthersDemand = others;
            var share = reported ? RateShares.ShareOf(bucket.DemandRate, others, limiter.LimitPerSecond, nodes) : limiter.LimitPerSecond / nodes;
            bucket.SetShare(share, Math.Max(1, limiter.Burst * share / limiter.LimitPerSecond));
            if (reported) report.Add(KeyValuePair.Create(entry, bucket.DemandRate));
        }

        // Write a shard only when its content changed: steady or idle demand costs no gossip.
        if (report.Count == 0 && _written.All(w => w is null)) return;
        var payloads = DemandGossip.Build(_selfUid, report, _settings.Shards, _settings.MaxGossipedKeys);
        for (var shard = 0; shard < payloads.Length; shard++)
        {
            var payload = payloads[shard];
            var empty = payload.IndexOf('\n') < 0;
            if (_written[shard] is null && empty || _written[shard] == payload) continue;
            _written[shard] = empty ? null : payload;
            _replicator.Tell(Dsl.Update(_keys[shard], LWWDictionary<string, string>.Empty, WriteLocal.Instance,
                current => current.SetItem(_cluster, _self, payload)));
        }
    }

    private sealed class Round
    {
        public static readonly Round Instance = new();
    }
}
