using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.ConfigStore;

/// <summary>
/// <c>/user/config-bootstrap</c>: when this node is Up, refills Distributed Data from the journal (Distributed Data is not
/// durable here), then applies the node's file definitions as a change set through the entities, then tells the route
/// replica to go live. After that it applies every saved change of the file the same way (<see cref="ApplyFileDefinitions"/>).
/// </summary>
/// <remarks>
/// Rehydration reads every persistence id of the shared journal (<see cref="SqlJournal.GetPersistenceIds"/>) and
/// sends each config entity <see cref="Republish"/>; the entity recovers from the journal and writes its state to
/// Distributed Data before it answers. Unanswered messages are sent again every retry interval.
/// A change set is the difference between the file now and what it said when this node last applied it
/// (<see cref="AppliedFileRecord"/>), so an unchanged file never undoes an admin API edit, and the record is updated as
/// each owner accepts its part. A first start on an empty journal applies the whole file.
/// </remarks>
internal sealed class ConfigBootstrapActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan IdsTimeout = TimeSpan.FromSeconds(10);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _region;
    private readonly IActorRef _replica;
    private readonly TimeSpan _retryInterval;
    private readonly AppliedFileRecord? _record;
    private readonly HashSet<string> _unrepublished = new(StringComparer.Ordinal);
    private readonly System.Diagnostics.Stopwatch _clock = new();
    private GatewayDefinitions _applied = GatewayDefinitions.Empty;
    private (GatewayDefinitions File, IActorRef ReplyTo)? _next;
    private IActorRef _replyTo = ActorRefs.Nobody;
    private Queue<IWithEntityKey> _commands = new();
    private int _changes;
    private int _refused;
    private bool _bootstrapped;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Props for the bootstrap sending to the config shard <paramref name="region"/>; <paramref name="record"/> keeps what
    /// the file said when last applied (null: none is kept, and every start applies the whole of <paramref name="file"/>).
    /// </summary>
    public static Props Props(IActorRef region, IActorRef replica, GatewayDefinitions file, TimeSpan retryInterval, AppliedFileRecord? record = null) =>
        Akka.Actor.Props.Create(() => new ConfigBootstrapActor(region, replica, file, retryInterval, record));

    public ConfigBootstrapActor(IActorRef region, IActorRef replica, GatewayDefinitions file, TimeSpan retryInterval, AppliedFileRecord? record)
    {
        _region = region;
        _replica = replica;
        _retryInterval = retryInterval;
        _record = record;
        _next = (file, ActorRefs.Nobody);
        Receive<MemberIsUp>(_ => ReadPersistenceIds());
        ReceiveFileChanges();
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        var self = Self;
        Akka.Cluster.Cluster.Get(Context.System).RegisterOnMemberUp(() => self.Tell(MemberIsUp.Instance));
    }

    // The journal answers with PersistenceIds or a Status.Failure; no answer within IdsTimeout (its connection hangs) is
    // a failure too, and the next attempt asks again.
    private void ReadPersistenceIds()
    {
        _clock.Restart();
        Persistence.Instance.Apply(Context.System).JournalFor(null).Tell(SqlJournal.GetPersistenceIds.Instance);
        var timeout = _retryInterval > IdsTimeout ? _retryInterval : IdsTimeout;
        Timers.StartSingleTimer("ids", new Status.Failure(new TimeoutException($"the journal did not list its persistence ids within {timeout}")), timeout);
        Become(Rehydrating);
    }

    private void Rehydrating()
    {
        ReceiveFileChanges();
        Receive<SqlJournal.PersistenceIds>(read =>
        {
            Timers.Cancel("ids");
            foreach (var id in read.Ids.Where(EntityKeys.IsEntityKey)) _unrepublished.Add(id);
            _log.Info("Rehydrating {EntityCount} config entities from the journal (ids read in {ElapsedMs} ms)", _unrepublished.Count, _clock.ElapsedMilliseconds);
            _applied = _unrepublished.Count == 0 ? GatewayDefinitions.Empty : LoadRecord();
            Timers.StartPeriodicTimer("retry", Retry.Instance, _retryInterval);
            SendRepublish();
            if (_unrepublished.Count == 0) StartChangeSet();
        });
        Receive<Status.Failure>(failure =>
        {
            Timers.Cancel("ids");
            _log.Warning("Reading the journal's persistence ids failed, retrying: {Error}", failure.Cause.Message);
            Timers.StartSingleTimer("query", MemberIsUp.Instance, _retryInterval);
            Become(() =>
            {
                ReceiveFileChanges();
                Receive<MemberIsUp>(_ => ReadPersistenceIds());
            });
        });
        Receive<Republished>(done =>
        {
            if (_unrepublished.Remove(done.EntityKey) && _unrepublished.Count == 0) StartChangeSet();
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

    // An empty journal means a first start (or a wiped store): whatever the record says, the whole file is applied.
    private GatewayDefinitions LoadRecord()
    {
        if (_record is null) return GatewayDefinitions.Empty;
        try
        {
            return _record.Load() ?? GatewayDefinitions.Empty;
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            _log.Warning("The record of what the config file said when last applied ({Path}) is unreadable, so the whole file is applied: {Error}", _record.Path, ex.Message);
            return GatewayDefinitions.Empty;
        }
    }

    // A file saved while a change set is under way is applied after it; only the latest save waits.
    private void ReceiveFileChanges() => Receive<ApplyFileDefinitions>(apply =>
    {
        _next?.ReplyTo.Tell(new FileDefinitionsApplied(0, 0));
        _next = (apply.Definitions, Sender);
    });

    private void StartChangeSet()
    {
        var (file, replyTo) = _next!.Value;
        _next = null;
        _replyTo = replyTo;
        _commands = new Queue<IWithEntityKey>(DefinitionChanges.Between(_applied, file));
        _changes = _commands.Count;
        _refused = 0;
        _clock.Restart();
        if (_commands.Count > 0) Timers.StartPeriodicTimer("retry", Retry.Instance, _retryInterval);
        Become(Applying);
        SendNextCommand();
    }

    private void Applying()
    {
        ReceiveFileChanges();
        Receive<ICommandReply>(reply =>
        {
            if (_commands.Count == 0 || !IsReplyTo(_commands.Peek(), reply)) return;
            var command = _commands.Dequeue();
            if (DefinitionChanges.IsAccepted(command, reply)) Record(DefinitionChanges.Record(_applied, command, reply));
            else
            {
                _refused++;
                _log.Error("Applying {EntityKey} from the node's config file was refused: {Reply}", command.EntityKey, reply);
            }
            SendNextCommand();
        });
        Receive<Retry>(_ =>
        {
            if (!_commands.TryPeek(out var head)) return;
            _log.Warning("No answer yet to applying {EntityKey} from the node's config file; sending it again", head.EntityKey);
            _region.Tell(head);
        });
        Receive<Republished>(_ => { });
    }

    private void Record(GatewayDefinitions applied)
    {
        _applied = applied;
        if (_record is null) return;
        try
        {
            _record.Save(applied);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The change is applied; a stale record only means the next start re-applies it, which changes nothing.
            _log.Error("Could not record the applied config file definitions in {Path}: {Error}", _record.Path, ex.Message);
        }
    }

    private void SendNextCommand()
    {
        if (_commands.TryPeek(out var next))
        {
            _region.Tell(next);
            return;
        }
        Timers.Cancel("retry");
        if (_changes > 0)
            _log.Info("Config file change set applied: {Changes} changes ({Refused} refused) in {ElapsedMs} ms", _changes, _refused, _clock.ElapsedMilliseconds);
        else if (!_bootstrapped)
            _log.Info("Config file unchanged since this node last applied it: nothing to apply (admin API edits stand)");
        _replyTo.Tell(new FileDefinitionsApplied(_changes, _refused));
        if (!_bootstrapped)
        {
            _bootstrapped = true;
            _log.Info("Config bootstrap complete");
            _replica.Tell(BootstrapCompleted.Instance);
        }
        if (_next is not null) StartChangeSet();
        else Become(Idle);
    }

    private void Idle()
    {
        Receive<ApplyFileDefinitions>(apply =>
        {
            _next = (apply.Definitions, Sender);
            StartChangeSet();
        });
        Receive<ICommandReply>(_ => { });
        Receive<Republished>(_ => { });
        Receive<Retry>(_ => { });
    }

    // Replies carry no correlation id; an accept names its definition, a refusal can only be for the command in flight.
    private static bool IsReplyTo(IWithEntityKey command, ICommandReply reply) => reply switch
    {
        RouteAccepted accepted => command is UpsertRoute r && r.Route.Id == accepted.Route.Id,
        UpstreamAccepted accepted => command is UpsertUpstream u && u.Upstream.Name == accepted.Upstream.Name,
        DefinitionDeleted deleted => deleted.EntityKey == command.EntityKey,
        DefinitionNotFound missing => missing.EntityKey == command.EntityKey,
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

}
