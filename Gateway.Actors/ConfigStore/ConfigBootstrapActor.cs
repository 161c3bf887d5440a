using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.ConfigStore;

/// <summary>
/// <c>/user/config-bootstrap</c>: when this node is Up, refills Distributed Data from the journal (Distributed Data is not
/// durable here), then applies the node's HOCON definitions through the entities, then tells the route replica to go live.
/// </summary>
/// <remarks>
/// Rehydration reads every persistence id of the shared journal (Akka.Persistence.Query <c>CurrentPersistenceIds</c>) and
/// sends each config entity <see cref="Republish"/>; the entity recovers from the journal and writes its state to
/// Distributed Data before it answers. Unanswered messages are sent again every retry interval.
/// </remarks>
public sealed class ConfigBootstrapActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _region;
    private readonly IActorRef _replica;
    private readonly TimeSpan _retryInterval;
    private readonly Queue<IWithEntityKey> _upserts;
    private readonly HashSet<string> _unrepublished = new(StringComparer.Ordinal);
    private readonly System.Diagnostics.Stopwatch _clock = new();
    private Task<SqlReadJournal> _journal = null!;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for the bootstrap sending to the config shard <paramref name="region"/>.</summary>
    public static Props Props(IActorRef region, IActorRef replica, GatewayDefinitions initial, TimeSpan retryInterval) =>
        Akka.Actor.Props.Create(() => new ConfigBootstrapActor(region, replica, initial, retryInterval));

    public ConfigBootstrapActor(IActorRef region, IActorRef replica, GatewayDefinitions initial, TimeSpan retryInterval)
    {
        _region = region;
        _replica = replica;
        _retryInterval = retryInterval;
        // Upstreams first: a route is validated against the upstreams already replicated.
        _upserts = new Queue<IWithEntityKey>(
            initial.Upstreams.Select(u => (IWithEntityKey)new UpsertUpstream(u with { Version = 0 }))
                .Concat(initial.Routes.Select(r => new UpsertRoute(r with { Version = 0 }))));
        Receive<MemberIsUp>(_ => ReadPersistenceIds());
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _journal = OpenJournal();
        var self = Self;
        Akka.Cluster.Cluster.Get(Context.System).RegisterOnMemberUp(() => self.Tell(MemberIsUp.Instance));
    }

    // The read journal blocks its caller until the write journal has started (tables created, Linq2Db warmed up, seconds
    // on a busy machine): open it off the actor's thread, while the node is still joining.
    private Task<SqlReadJournal> OpenJournal()
    {
        var system = Context.System;
        return Task.Run(() => PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier));
    }

    private void ReadPersistenceIds()
    {
        _clock.Restart();
        if (_journal.IsFaulted) _journal = OpenJournal();
        var materializer = Context.System.Materializer();
        _journal
            .ContinueWith(opened => opened.Result.CurrentPersistenceIds().RunWith(Sink.Seq<string>(), materializer), TaskScheduler.Default)
            .Unwrap()
            .PipeTo(Self, success: ids => new PersistenceIdsRead(ids), failure: ex => new Status.Failure(ex));
        Become(Rehydrating);
    }

    private void Rehydrating()
    {
        Receive<PersistenceIdsRead>(read =>
        {
            foreach (var id in read.Ids.Where(EntityKeys.IsEntityKey)) _unrepublished.Add(id);
            _log.Info("Rehydrating {EntityCount} config entities from the journal (ids read in {ElapsedMs} ms)", _unrepublished.Count, _clock.ElapsedMilliseconds);
            Timers.StartPeriodicTimer("retry", Retry.Instance, _retryInterval);
            SendRepublish();
            if (_unrepublished.Count == 0) StartUpserts();
        });
        Receive<Status.Failure>(failure =>
        {
            _log.Warning("Reading the journal's persistence ids failed, retrying: {Error}", failure.Cause.Message);
            Timers.StartSingleTimer("query", MemberIsUp.Instance, _retryInterval);
            Become(() => Receive<MemberIsUp>(_ => ReadPersistenceIds()));
        });
        Receive<Republished>(done =>
        {
            if (_unrepublished.Remove(done.EntityKey) && _unrepublished.Count == 0) StartUpserts();
        });
        Receive<Retry>(_ =>
        {
            _log.Warning("{Count} config entities have not republished yet (one is {EntityKey}); asking again", _unrepublished.Count, _unrepublished.First());
            SendRepublish();
        });
    }

    private void SendRepublish()
    {
        foreach (var key in _unrepublished) _region.Tell(new Republish(key));
    }

    private void StartUpserts()
    {
        Become(Upserting);
        SendNextUpsert();
    }

    private void Upserting()
    {
        Receive<ICommandReply>(reply =>
        {
            if (_upserts.Count == 0 || !IsReplyTo(_upserts.Peek(), reply)) return;
            var command = _upserts.Dequeue();
            if (reply is not (RouteAccepted or UpstreamAccepted))
                _log.Error("Applying {EntityKey} from the node's HOCON was refused: {Reply}", command.EntityKey, reply);
            SendNextUpsert();
        });
        Receive<Retry>(_ =>
        {
            if (!_upserts.TryPeek(out var head)) return;
            _log.Warning("No answer yet to applying {EntityKey} from the node's HOCON; sending it again", head.EntityKey);
            _region.Tell(head);
        });
        Receive<Republished>(_ => { });
    }

    private void SendNextUpsert()
    {
        if (_upserts.TryPeek(out var next))
        {
            _region.Tell(next);
            return;
        }
        Timers.CancelAll();
        _log.Info("Config bootstrap complete in {ElapsedMs} ms", _clock.ElapsedMilliseconds);
        _replica.Tell(BootstrapCompleted.Instance);
        Become(() => ReceiveAny(_ => { }));
    }

    // Replies carry no correlation id; an accept names its definition, a refusal can only be for the command in flight.
    private static bool IsReplyTo(IWithEntityKey command, ICommandReply reply) => reply switch
    {
        RouteAccepted accepted => command is UpsertRoute r && r.Route.Id == accepted.Route.Id,
        UpstreamAccepted accepted => command is UpsertUpstream u && u.Upstream.Name == accepted.Upstream.Name,
        _ => true,
    };

    private sealed record MemberIsUp
    {
        public static readonly MemberIsUp Instance = new();
    }

    private sealed record Retry
    {
        public static readonly Retry Instance = new();
    }

    private sealed record PersistenceIdsRead(IImmutableList<string> Ids);
}
