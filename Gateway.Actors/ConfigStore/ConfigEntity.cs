using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Akka.Persistence;
using Gateway.Protocol.Cluster;

namespace Gateway.Actors.ConfigStore;

/// <summary>
/// Shared life cycle of the route and upstream entities, the single writers of their definition. A command first reads
/// the replicated set it is checked against (local replica), then the pure state decides; a command past its deadline,
/// or arriving while this node may not write (<see cref="WriteFence"/>), is dropped before anything is persisted. The
/// events are persisted, the sender gets its reply, and the new state (a tombstone for a delete) is written to
/// Distributed Data with <c>WriteMajority</c> (on timeout the local write stands and gossip carries it). Commands arriving meanwhile are stashed. An upsert of an unchanged definition writes the state again, and
/// every republish interval the entity checks the local replica and rewrites its entry if it is missing or older.
/// </summary>
/// <remarks>
/// An entity whose in-memory state is behind the journal (another incarnation wrote meanwhile) fails its next persist on
/// the journal's unique (persistence id, sequence number) key and stops, so it never overwrites newer events.
/// </remarks>
internal abstract class ConfigEntity : ReceivePersistentActor, IWithTimers
{
    private readonly IActorRef _replicator;
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly WriteFence _fence;
    private readonly TimeSpan _writeTimeout;
    private readonly TimeSpan _republishInterval;
    private readonly string _entityKey;
    private const int MaxOutcomes = 64;
    private readonly Dictionary<Guid, ICommandReply> _outcomes = [];
    private readonly Queue<Guid> _outcomeOrder = new();

    /// <summary>Log of the entity.</summary>
    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the entity for <paramref name="entityKey"/> (also its persistence id).</summary>
    protected ConfigEntity(string entityKey, TimeSpan writeTimeout, TimeSpan republishInterval)
    {
        _entityKey = entityKey;
        _writeTimeout = writeTimeout;
        _republishInterval = republishInterval;
        _replicator = DistributedData.Get(Context.System).Replicator;
        _cluster = Akka.Cluster.Cluster.Get(Context.System);
        _fence = WriteFence.Get(Context.System);
        Recover<IGatewayMessage>(ApplyEvent);
        Recover<RecoveryCompleted>(_ =>
        {
            if (_republishInterval > TimeSpan.Zero) Timers.StartPeriodicTimer("anti-entropy", AntiEntropyTick.Instance, _republishInterval);
        });
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

    /// <summary>Why <paramref name="command"/> must not be applied now (deadline passed, or this node may not write); null when it may.</summary>
    internal static string? Refusal(IWithEntityKey command, DateTimeOffset now, WriteFence fence) =>
        command is IConfigCommand { Deadline: { } deadline } && now.ToUnixTimeMilliseconds() > deadline
            ? $"its deadline passed {now.ToUnixTimeMilliseconds() - deadline} ms before the owner could apply it"
            : fence.Refusal();

    private void Ready()
    {
        Command<StopEntity>(_ => Context.Stop(Self));
        Command<Republish>(_ =>
        {
            var version = Published.Version;
            WriteReplica(Sender, new Republished(_entityKey, version));
        });
        Command<AntiEntropyTick>(_ => _replicator.Tell(Dsl.Get(OwnKey, ReadLocal.Instance, AntiEntropyCheck.Instance)));
        Command<IGetResponse>(response => response.Request is AntiEntropyCheck, response =>
        {
            var (json, version) = Published;
            if (version == 0) return;
            var held = response.IsSuccessful && response.Get(OwnKey).TryGetValue(Name, out var value) ? ReplicatedDefinitions.Decode(value).Version : 0;
            if (held >= version) return;
            Log.Warning("The local replica holds {EntityKey} at version {Held}, the owner at {Version}: announcing it again", _entityKey, held, version);
            _replicator.Tell(Dsl.Update(OwnKey, LWWDictionary<string, string>.Empty, WriteLocal.Instance, null, Write(json, version)));
        });
        Command<IUpdateResponse>(response =>
        {
            if (response is UpdateTimeout)
                Log.Warning("Replicating {EntityKey} to a majority timed out; the local replica has it and gossip spreads it", _entityKey);
            else if (!response.IsSuccessful)
                Log.Error("Replicating {EntityKey} failed: {Response}", _entityKey, response);
        });
        Command<GetCommandOutcome>(query => Sender.Tell(_outcomes.TryGetValue(query.CommandId, out var reply)
            ? reply
            : new CommandNotApplied(_entityKey, "the owner never applied it, and will not: its deadline has passed")));
        Command<IWithEntityKey>(command =>
        {
            // A majority read: with the majority write below, a route's check sees an upstream written the moment before
            // through another node's owner (a local read missed it while gossip was on its way: 'does not exist').
            _replicator.Tell(Dsl.Get(CheckedKey, new ReadMajority(_writeTimeout), new PendingCommand(command, Sender, Majority: true)));
            BecomeStacked(Busy);
        });
    }

    private void Busy()
    {
        Command<IGetResponse>(response => response.Request is PendingCommand, response =>
        {
            var pending = (PendingCommand)response.Request;
            if (response is GetFailure && pending.Majority)
            {
                // No majority answered in time (a partition, a frozen peer): decide on what this node holds.
                _replicator.Tell(Dsl.Get(CheckedKey, ReadLocal.Instance, pending with { Majority = false }));
                return;
            }
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
                // An unchanged definition is announced again: re-sending it heals a replica that lost it.
                if (decision.Reply is RouteAccepted or UpstreamAccepted) WriteReplica(pending.ReplyTo, decision.Reply, busy: true);
                else
                {
                    pending.ReplyTo.Tell(decision.Reply);
                    Done();
                }
                return;
            }
            if (Refusal(pending.Command, DateTimeOffset.UtcNow, _fence) is { } refusal)
            {
                Log.Warning("Dropping {Command} for {EntityKey} unapplied: {Reason}", pending.Command.GetType().Name, _entityKey, refusal);
                pending.ReplyTo.Tell(new CommandNotApplied(_entityKey, refusal));
                Done();
                return;
            }
            // A command with a deadline and an id is told at once that it passed the check: from here it will be applied
            // however long the store takes, and its sender learns the outcome through GetCommandOutcome, which waits in
            // the stash behind the store. (Answering only after the store let a slow journal turn "applied" into a 503.)
            var tracked = pending.Command is IConfigCommand { Deadline: not null, CommandId: { } commandId } ? commandId : (Guid?)null;
            if (tracked is { } id) pending.ReplyTo.Tell(new CommandInProgress(_entityKey, id));
            var remaining = decision.Events.Length;
            PersistAll(decision.Events, @event =>
            {
                ApplyEvent(@event);
                if (--remaining > 0) return;
                // The reply (for a tracked command: the outcome query, stashed meanwhile) waits for a majority to hold the
                // change, bounded by the write timeout, so the next command's majority read sees it; a tracked command's
                // sender already knows it will be applied, so a slow replication never turns an applied change into a 503.
                Remember(pending.Command, decision.Reply);
                WriteReplica(tracked is null ? pending.ReplyTo : ActorRefs.Nobody, decision.Reply, busy: true);
            });
        });
        Command<IUpdateResponse>(response => response.Request is PendingReply, response =>
        {
            var pending = (PendingReply)response.Request;
            if (response is UpdateTimeout)
                Log.Warning("Replicating {EntityKey} to a majority timed out; the local replica has it and gossip spreads it", _entityKey);
            else if (!response.IsSuccessful)
                Log.Error("Replicating {EntityKey} failed: {Response}", _entityKey, response);
            if (!pending.ReplyTo.IsNobody()) pending.ReplyTo.Tell(pending.Reply);
            Done();
        });
        Command<AntiEntropyTick>(_ => { });
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
        _replicator.Tell(Dsl.Update(OwnKey, LWWDictionary<string, string>.Empty, new WriteMajority(_writeTimeout), new PendingReply(replyTo, reply),
            Write(json, version)));
        Announce(json, version);
        if (!busy) BecomeStacked(Busy);
    }

    // Distributed Data reaches the last node on its next delta tick (up to 200 ms) and tells its subscribers on the next
    // notify tick (100 ms); the route replicas get the entry straight away (measured in ops/bench/RESULTS.md, issue 15).
    private void Announce(string? json, long version)
    {
        if (json is null && version == 0) return;
        var written = new DefinitionWritten(_entityKey, json ?? ReplicatedDefinitions.Tombstone(version));
        var state = _cluster.State;
        foreach (var member in state.Members)
        {
            if (member.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving && !state.Unreachable.Contains(member))
                RouteReplicaActor.On(Context, member.Address).Tell(written);
        }
    }

    // Never a removal: a deletion is a tombstone stamped with its version, so it wins over every older put on every replica.
    private Func<LWWDictionary<string, string>, LWWDictionary<string, string>> Write(string? json, long version)
    {
        var cluster = _cluster;
        var name = Name;
        if (json is null && version == 0) return data => data;
        var value = json ?? ReplicatedDefinitions.Tombstone(version);
        return data => data.SetItem(cluster, name, value, (_, _) => version);
    }

    // The replies of the last applied commands that carry an id, for GetCommandOutcome; bounded.
    private void Remember(IWithEntityKey command, ICommandReply reply)
    {
        if (command is not IConfigCommand { CommandId: { } id }) return;
        _outcomes[id] = reply;
        _outcomeOrder.Enqueue(id);
        if (_outcomeOrder.Count > MaxOutcomes) _outcomes.Remove(_outcomeOrder.Dequeue());
    }

    private void Done()
    {
        UnbecomeStacked();
        Stash.UnstashAll();
    }

    private sealed record StopEntity;

    private sealed record AntiEntropyTick
    {
        public static readonly AntiEntropyTick Instance = new();
    }

    private sealed record AntiEntropyCheck
    {
        public static readonly AntiEntropyCheck Instance = new();
    }

    private sealed record PendingCommand(IWithEntityKey Command, IActorRef ReplyTo, bool Majority);

    private sealed record PendingReply(IActorRef ReplyTo, object Reply);
}
