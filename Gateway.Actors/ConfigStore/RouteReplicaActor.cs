using Akka.Actor;
using Akka.DistributedData;
using Akka.Event;
using Gateway.Actors.Routing;
using Gateway.Protocol.Cluster;

namespace Gateway.Actors.ConfigStore;

/// <summary>
/// <c>/user/route-replica</c> on every node: subscribes to the replicated routes and upstreams, merges every snapshot into
/// the node's monotonic <see cref="DefinitionView"/>s (an entry only moves to a higher version; a snapshot lacking it
/// changes nothing) and hands the complete set to <c>/user/route-table</c> whenever a view changes. Before the node's
/// bootstrap is complete it only keeps the data, so a node never serves a half-rehydrated set; the first set applied after
/// it marks <see cref="ConfigReplicaStatus"/>. Every republish interval it reads the local replica again, in case a change
/// notification was lost. An owner also sends each entry it stores straight here (<see cref="DefinitionWritten"/>), merged
/// the same way, so a change does not wait for Distributed Data's ticks. It answers <see cref="AwaitDefinitionServed"/> once the route table serves a version.
/// </summary>
public sealed class RouteReplicaActor : ReceiveActor, IWithTimers
{
    // Waiters are admin writes, each bounded by the admin API's propagation timeout; this bound only guards against a flood.
    private const int MaxWaiters = 10_000;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly IActorRef _routeTable;
    private readonly ConfigReplicaStatus _status;
    private readonly TimeSpan _rereadInterval;
    private readonly Queue<(DefinitionView Upstreams, DefinitionView Routes)> _inFlight = new();
    private readonly List<(AwaitDefinitionServed Request, IActorRef ReplyTo, DateTime Until)> _waiters = [];
    private DefinitionView _routes = DefinitionView.Empty;
    private DefinitionView _upstreams = DefinitionView.Empty;
    private (DefinitionView Upstreams, DefinitionView Routes) _served = (DefinitionView.Empty, DefinitionView.Empty);
    private bool _bootstrapped;
    private int _awaitedReads;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The name every node starts its route replica under, at <c>/user/route-replica</c>.</summary>
    public const string Name = "route-replica";

    /// <summary>The route replica of the node at <paramref name="address"/> (this node's included).</summary>
    public static ActorSelection On(IActorRefFactory factory, Address address) =>
        factory.ActorSelection(new RootActorPath(address) / "user" / Name);

    /// <summary>Props for the replica feeding <paramref name="routeTable"/>; <paramref name="rereadInterval"/> 0 turns the periodic re-read off.</summary>
    public static Props Props(IActorRef routeTable, ConfigReplicaStatus status, TimeSpan rereadInterval = default) =>
        Akka.Actor.Props.Create(() => new RouteReplicaActor(routeTable, status, rereadInterval));

    public RouteReplicaActor(IActorRef routeTable, ConfigReplicaStatus status, TimeSpan rereadInterval)
    {
        _routeTable = routeTable;
        _status = status;
        _rereadInterval = rereadInterval;
        Receive<Changed>(changed =>
        {
            if (Store(changed.Key, changed.Data) && _bootstrapped && _awaitedReads == 0) Apply();
        });
        Receive<DefinitionWritten>(written =>
        {
            if (StoreWritten(written) && _bootstrapped && _awaitedReads == 0) Apply();
        });
        Receive<BootstrapCompleted>(_ =>
        {
            _bootstrapped = true;
            // Read both sets now rather than wait for the next change notification: the bootstrap's writes are local already.
            _awaitedReads = 2;
            ReadBoth();
            if (_rereadInterval > TimeSpan.Zero) Timers.StartPeriodicTimer("reread", Reread.Instance, _rereadInterval);
        });
        Receive<Reread>(_ => ReadBoth());
        Receive<IGetResponse>(response =>
        {
            var changed = response is GetSuccess success && Store(success.Key, success.Data);
            if (_awaitedReads > 0)
            {
                if (--_awaitedReads == 0) Apply();
            }
            else if (changed)
            {
                _log.Warning("Re-reading the local replica found entries no change notification had brought; applying them");
                Apply();
            }
        });
        Receive<DefinitionsApplied>(applied =>
        {
            if (_inFlight.TryDequeue(out var views)) _served = views;
            AnswerWaiters();
            if (_status.IsSynced) return;
            _status.MarkSynced();
            _log.Info("Replicated route set applied (route table {Generation}); node is in sync", applied.Generation);
        });
        Receive<AwaitDefinitionServed>(request =>
        {
            if (Serves(request)) Sender.Tell(new DefinitionServed(request.EntityKey, request.Version));
            else if (_waiters.Count < MaxWaiters) _waiters.Add((request, Sender, DateTime.UtcNow.AddSeconds(30)));
        });
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _replicator.Tell(Dsl.Subscribe(ReplicatedDefinitions.RoutesKey, Self));
        _replicator.Tell(Dsl.Subscribe(ReplicatedDefinitions.UpstreamsKey, Self));
    }

    private void ReadBoth()
    {
        _replicator.Tell(Dsl.Get(ReplicatedDefinitions.UpstreamsKey, ReadLocal.Instance));
        _replicator.Tell(Dsl.Get(ReplicatedDefinitions.RoutesKey, ReadLocal.Instance));
    }

    // True when the view moved.
    private bool Store(IKey key, object data)
    {
        if (data is not LWWDictionary<string, string> dictionary) return false;
        if (key.Equals(ReplicatedDefinitions.RoutesKey))
        {
            var merged = _routes.Merge(dictionary.Entries);
            var moved = !ReferenceEquals(merged, _routes);
            _routes = merged;
            return moved;
        }
        if (key.Equals(ReplicatedDefinitions.UpstreamsKey))
        {
            var merged = _upstreams.Merge(dictionary.Entries);
            var moved = !ReferenceEquals(merged, _upstreams);
            _upstreams = merged;
            return moved;
        }
        return false;
    }

    // An owner's entry sent straight after it stored it: merged like a replicated one (monotonic, tombstones win by version).
    private bool StoreWritten(DefinitionWritten written)
    {
        var key = written.EntityKey;
        if (key.StartsWith(EntityKeys.RoutePrefix, StringComparison.Ordinal))
        {
            var merged = _routes.Merge([KeyValuePair.Create(key[EntityKeys.RoutePrefix.Length..], written.Value)]);
            var moved = !ReferenceEquals(merged, _routes);
            _routes = merged;
            return moved;
        }
        if (key.StartsWith(EntityKeys.UpstreamPrefix, StringComparison.Ordinal))
        {
            var merged = _upstreams.Merge([KeyValuePair.Create(key[EntityKeys.UpstreamPrefix.Length..], written.Value)]);
            var moved = !ReferenceEquals(merged, _upstreams);
            _upstreams = merged;
            return moved;
        }
        return false;
    }

    private void Apply()
    {
        var definitions = ReplicatedDefinitions.ToDefinitions(_upstreams, _routes);
        _inFlight.Enqueue((_upstreams, _routes));
        _status.Publish(_upstreams, _routes);
        _routeTable.Tell(new ApplyDefinitions(definitions) { AckTo = Self });
    }

    private bool Serves(AwaitDefinitionServed request)
    {
        var (upstreams, routes) = _served;
        var key = request.EntityKey;
        if (key.StartsWith(EntityKeys.RoutePrefix, StringComparison.Ordinal))
            return routes.VersionOf(key[EntityKeys.RoutePrefix.Length..]) >= request.Version;
        if (key.StartsWith(EntityKeys.UpstreamPrefix, StringComparison.Ordinal))
            return upstreams.VersionOf(key[EntityKeys.UpstreamPrefix.Length..]) >= request.Version;
        return false;
    }

    private void AnswerWaiters()
    {
        var now = DateTime.UtcNow;
        _waiters.RemoveAll(w =>
        {
            if (Serves(w.Request)) w.ReplyTo.Tell(new DefinitionServed(w.Request.EntityKey, w.Request.Version));
            else if (w.Until > now) return false;
            return true;
        });
    }

    private sealed record Reread
    {
        public static readonly Reread Instance = new();
    }
}
