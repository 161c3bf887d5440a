using Akka.Actor;
using Akka.Persistence;

namespace Gateway.Actors.ConfigStore;

/// <summary>
/// <c>/user/journal-warmup</c>, started once the node is Up: recovers, persists and deletes one empty event under the
/// node's own persistence id, then stops. The first config entity a node hosts otherwise pays for starting the journal
/// plugin, creating its table, opening its connection and JIT-compiling its write and recovery paths (0.5-1 s on top of
/// the first admin write that lands on the node with the plugin before <see cref="SqlJournal"/>, measured in
/// ops/bench/RESULTS.md, issue 15). It persists nothing when the node may not write
/// (<see cref="WriteFence"/>); its id is not an entity key, so bootstrap ignores it, and it holds at most one row per node address.
/// </summary>
internal sealed class JournalWarmupActor : ReceivePersistentActor
{
    private readonly string _persistenceId;

    /// <summary>Props for the warm-up under <paramref name="persistenceId"/>.</summary>
    public static Props Props(string persistenceId) => Akka.Actor.Props.Create(() => new JournalWarmupActor(persistenceId));

    /// <summary>The persistence id of the warm-up of the node at <paramref name="self"/>.</summary>
    public static string PersistenceIdOf(Address self) => $"gateway-journal-warmup@{self.Host}:{self.Port}";

    public JournalWarmupActor(string persistenceId)
    {
        _persistenceId = persistenceId;
        Recover<byte[]>(_ => { });
        Recover<RecoveryCompleted>(_ => Self.Tell(Warm.Instance));
        Command<Warm>(_ =>
        {
            if (WriteFence.Get(Context.System).Refusal() is not null)
            {
                Context.Stop(Self);
                return;
            }
            Persist(Array.Empty<byte>(), _ => DeleteMessages(LastSequenceNr));
        });
        Command<DeleteMessagesSuccess>(_ => Context.Stop(Self));
        Command<DeleteMessagesFailure>(_ => Context.Stop(Self));
    }

    /// <inheritdoc />
    public override string PersistenceId => _persistenceId;

    private sealed record Warm
    {
        public static readonly Warm Instance = new();
    }
}
