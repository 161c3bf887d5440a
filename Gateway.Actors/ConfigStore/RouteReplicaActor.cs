using Akka.Actor;
using Akka.DistributedData;
using Akka.Event;
using Gateway.Actors.Routing;

namespace Gateway.Actors.ConfigStore;

/// <summary>
/// <c>/user/route-replica</c> on every node: subscribes to the replicated routes and upstreams and hands the complete
/// set to <c>/user/route-table</c> on every change. Before the node's bootstrap is complete it only keeps the data, so a
/// node never serves a half-rehydrated set; the first set applied after it marks <see cref="ConfigReplicaStatus"/>.
/// </summary>
public sealed class RouteReplicaActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly IActorRef _routeTable;
    private readonly ConfigReplicaStatus _status;
    private LWWDictionary<string, string>? _routes;
    private LWWDictionary<string, string>? _upstreams;
    private bool _bootstrapped;
    private int _awaitedReads;

    /// <summary>Props for the replica feeding <paramref name="routeTable"/>.</summary>
    public static Props Props(IActorRef routeTable, ConfigReplicaStatus status) =>
        Akka.Actor.Props.Create(() => new RouteReplicaActor(routeTable, status));

    public RouteReplicaActor(IActorRef routeTable, ConfigReplicaStatus status)
    {
        _routeTable = routeTable;
        _status = status;
        Receive<Changed>(changed =>
        {
            Store(changed.Key, changed.Data);
            if (_bootstrapped && _awaitedReads == 0) Apply(ack: false);
        });
        Receive<BootstrapCompleted>(_ =>
        {
            _bootstrapped = true;
            // Read both sets now rather than wait for the next change notification: the bootstrap's writes are local already.
            _awaitedReads = 2;
            _replicator.Tell(Dsl.Get(ReplicatedDefinitions.UpstreamsKey, ReadLocal.Instance));
            _replicator.Tell(Dsl.Get(ReplicatedDefinitions.RoutesKey, ReadLocal.Instance));
        });
        Receive<IGetResponse>(response =>
        {
            if (response is GetSuccess success) Store(success.Key, success.Data);
            if (--_awaitedReads == 0) Apply(ack: true);
        });
        Receive<DefinitionsApplied>(applied =>
        {
            if (_status.IsSynced) return;
            _status.MarkSynced();
            _log.Info("Replicated route set applied (route table {Generation}); node is in sync", applied.Generation);
        });
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _replicator.Tell(Dsl.Subscribe(ReplicatedDefinitions.RoutesKey, Self));
        _replicator.Tell(Dsl.Subscribe(ReplicatedDefinitions.UpstreamsKey, Self));
    }

    private void Store(IKey key, object data)
    {
        if (data is not LWWDictionary<string, string> dictionary) return;
        if (key.Equals(ReplicatedDefinitions.RoutesKey)) _routes = dictionary;
        else if (key.Equals(ReplicatedDefinitions.UpstreamsKey)) _upstreams = dictionary;
    }

    private void Apply(bool ack)
    {
        var definitions = ReplicatedDefinitions.ToDefinitions(_upstreams, _routes);
        _routeTable.Tell(new ApplyDefinitions(definitions) { AckTo = ack ? Self : null });
    }
}
