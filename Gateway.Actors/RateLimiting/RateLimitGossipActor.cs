using System.Collections.Immutable;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;

namespace Gateway.Actors.RateLimiting;

/// <summary>
/// <c>/user/rate-limits</c>: each round, measures this node's demand per cluster-scope key, publishes it to the other
/// nodes through Distributed Data (one LWW entry per node, written only by that node), and sets this node's share of
/// every limit from its demand and theirs. Nothing here runs per request.
/// </summary>
public sealed class RateLimitGossipActor : ReceiveActor, IWithTimers
{
    private const double Smoothing = 0.5;
    private const int EvictAfterIdleRounds = 240;
    private static readonly LWWDictionaryKey<string, string> DemandKey = new("gateway-ratelimit-demand");

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ClusterRateLimitRegistry _registry;
    private readonly TimeSpan _interval;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly string _self;
    private ImmutableDictionary<string, double> _others = ImmutableDictionary<string, double>.Empty;

    /// <summary>Props for the node's rate-limit actor.</summary>
    public static Props Props(ClusterRateLimitRegistry registry, TimeSpan interval) =>
        Akka.Actor.Props.Create(() => new RateLimitGossipActor(registry, interval));

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public RateLimitGossipActor(ClusterRateLimitRegistry registry, TimeSpan interval)
    {
        _registry = registry;
        _interval = interval;
        _self = _cluster.SelfAddress.ToString();
        Receive<Round>(_ => RunRound());
        Receive<Changed>(changed => _others = OthersDemand(changed.Get(DemandKey)));
        Receive<UpdateSuccess>(_ => { });
        Receive<UpdateTimeout>(_ => { });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    protected override void PreStart()
    {
        _replicator.Tell(Dsl.Subscribe(DemandKey, Self));
        Timers.StartPeriodicTimer("round", Round.Instance, _interval);
    }

    private void RunRound()
    {
        var limiters = _registry.Limiters;
        if (limiters.Count == 0) return;
        var nodes = Math.Max(1, _cluster.State.Members.Count(m => m.Status == MemberStatus.Up));
        var report = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var limiter in limiters)
        {
            limiter.Nodes = nodes;
            foreach (var (key, bucket) in limiter.Buckets)
            {
                var demand = bucket.TakeDemand();
                bucket.DemandRate = Smoothing * (demand / _interval.TotalSeconds) + (1 - Smoothing) * bucket.DemandRate;
                bucket.IdleRounds = demand == 0 ? bucket.IdleRounds + 1 : 0;
                if (bucket.IdleRounds > EvictAfterIdleRounds)
                {
                    limiter.Evict(key);
                    continue;
                }

                var entry = EntryKey(limiter.RouteId, key);
                var others = _others.GetValueOrDefault(entry);
                bucket.OthersDemand = others;
                var share = RateShares.ShareOf(bucket.DemandRate, others, limiter.LimitPerSecond, nodes);
                bucket.SetShare(share, Math.Max(1, limiter.Burst * share / limiter.LimitPerSecond));
                if (bucket.DemandRate >= 0.01) report[entry] = Math.Round(bucket.DemandRate, 2);
            }
        }

        var payload = JsonSerializer.Serialize(new DemandReport(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), report));
        _replicator.Tell(Dsl.Update(DemandKey, LWWDictionary<string, string>.Empty, WriteLocal.Instance,
            current => current.SetItem(_cluster, _self, payload)));
    }

    private ImmutableDictionary<string, double> OthersDemand(LWWDictionary<string, string> all)
    {
        // Reports of nodes that stopped reporting (left, crashed) stop counting after a few rounds.
        var freshAfter = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)(_interval.TotalMilliseconds * 8);
        var sum = ImmutableDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        foreach (var (node, payload) in all.Entries)
        {
            if (node == _self) continue;
            DemandReport? report;
            try
            {
                report = JsonSerializer.Deserialize<DemandReport>(payload);
            }
            catch (JsonException ex)
            {
                _log.Warning("Ignoring an unreadable rate-limit demand report from {Node}: {Reason}", node, ex.Message);
                continue;
            }
            if (report is null || report.At < freshAfter) continue;
            foreach (var (entry, rate) in report.Demand) sum[entry] = sum.GetValueOrDefault(entry) + rate;
        }
        return sum.ToImmutable();
    }

    private static string EntryKey(string routeId, string key) => routeId + "\n" + key;

    private sealed record DemandReport(long At, Dictionary<string, double> Demand);

    private sealed class Round
    {
        public static readonly Round Instance = new();
    }
}
