using Akka.Actor;
using Akka.DistributedData;
using Akka.Event;
using Akka.Persistence;
using Gateway.Protocol.Cluster;

namespace Gateway.Actors.ConfigStore;

/// <summary>
/// Shared life cycle of the route and upstream entities, the single writers of their definition. A command first reads
/// the replicated set it is checked against (local replica), then the pure state decides, the events are persisted,
/// the new state is written to Distributed Data with <c>WriteAll</c> (on timeout the local write stands and gossip
/// carries it), and only then the sender gets its reply. Commands arriving meanwhile are stashed.
/// </summary>
public abstract class ConfigEntity : ReceivePersistentActor
{
    private readonly IActorRef _replicator;
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly TimeSpan _writeTimeout;
    private readonly string _entityKey;

    /// <summary>Log of the entity.</summary>
    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    /// <summary>Creates the entity for <paramref name="entityKey"/> (also its persistence id).</summary>
    protected ConfigEntity(string entityKey, TimeSpan writeTimeout)
    {
        _entityKey = entityKey;
        _writeTimeout = writeTimeout;
        _replicator = DistributedData.Get(Context.System).Replicator;
        _cluster = Akka.Cluster.Cluster.Get(Context.System);
        Recover<IGatewayMessage>(ApplyEvent);
        Recover<RecoveryCompleted>(_ => { });
        Ready();
    }

    /// <inheritdoc />
    public override string PersistenceId => _entityKey;

    /// <summary>The Distributed Data set this entity writes its definition into.</summary>
    protected abstract LWWDictionaryKey<string, string> OwnKey { get; }

    /// <summary>The replicated set a command of this entity is checked against.</summary>
    protected abstract LWWDictionaryKey<string, string> CheckedKey { get; }

    /// <summary>The id or name under which the definition sits in <see cref="OwnKey"/>.</summary>
    protected abstract string Name { get; }

    /// <summary>The current definition as JSON (null when absent) and the version of the last change.</summary>
    protected abstract (string? Json, long Version) Published { get; }

    /// <summary>Runs the pure decision for <paramref name="command"/> given the checked replicated set; null when the message is not a command of this entity.</summary>
    protected abstract EntityDecision? Decide(IWithEntityKey command, LWWDictionary<string, string> checkedSet);

    /// <summary>Applies a persisted event to the state.</summary>
    protected abstract void ApplyEvent(IGatewayMessage @event);

    /// <summary>Sent by the shard to an entity it hands off: stop once the command in progress is answered.</summary>
    public static readonly object StopMessage = new StopEntity();

    private void Ready()
    {
        Command<StopEntity>(_ => Context.Stop(Self));
        Command<Republish>(_ =>
        {
            var version = Published.Version;
            WriteReplica(Sender, new Republished(_entityKey, version));
        });
        Command<IWithEntityKey>(command =>
        {
            _replicator.Tell(Dsl.Get(CheckedKey, ReadLocal.Instance, new PendingCommand(command, Sender)));
            BecomeStacked(Busy);
        });
    }

    private void Busy()
    {
        Command<IGetResponse>(response =>
        {
            var pending = (PendingCommand)response.Request;
            var checkedSet = response.IsSuccessful ? response.Get(CheckedKey) : LWWDictionary<string, string>.Empty;
            var decision = Decide(pending.Command, checkedSet);
            if (decision is null)
            {
                Unhandled(pending.Command);
                Done();
                return;
            }
            if (decision.Events.IsEmpty)
            {
                pending.ReplyTo.Tell(decision.Reply);
                Done();
                return;
            }
            var remaining = decision.Events.Length;
            PersistAll(decision.Events, @event =>
            {
                ApplyEvent(@event);
                if (--remaining == 0) WriteReplica(pending.ReplyTo, decision.Reply, busy: true);
            });
        });
        Command<IUpdateResponse>(response =>
        {
            var pending = (PendingReply)response.Request;
            if (response is UpdateTimeout)
                Log.Warning("Replicating {EntityKey} to every node timed out; the local replica has it and gossip spreads it", _entityKey);
            else if (!response.IsSuccessful)
                Log.Error("Replicating {EntityKey} failed: {Response}", _entityKey, response);
            pending.ReplyTo.Tell(pending.Reply);
            Done();
        });
        CommandAny(_ => Stash.Stash());
    }

    /// <inheritdoc />
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        // Nothing was stored: the sender's ask times out and it may retry; the entity takes the next command.
        base.OnPersistRejected(cause, @event, sequenceNr);
        Done();
    }

    private void WriteReplica(IActorRef replyTo, object reply, bool busy = false)
    {
        var (json, version) = Published;
        var cluster = _cluster;
        var name = Name;
        _replicator.Tell(Dsl.Update(OwnKey, LWWDictionary<string, string>.Empty, new WriteAll(_writeTimeout), new PendingReply(replyTo, reply),
            data => json is null ? data.Remove(cluster, name) : data.SetItem(cluster, name, json, (_, _) => version)));
        if (!busy) BecomeStacked(Busy);
    }

    private void Done()
    {
        UnbecomeStacked();
        Stash.UnstashAll();
    }

    private sealed record StopEntity;

    private sealed record PendingCommand(IWithEntityKey Command, IActorRef ReplyTo);

    private sealed record PendingReply(IActorRef ReplyTo, object Reply);
}
