using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Gateway.Actors.ConfigStore;
using Gateway.Tests.Support;
using Gateway.Node.Configuration;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Upstreams;
using Xunit;

namespace Gateway.Tests.Actors.ConfigStore;

/// <summary>
/// The gateway's journal (<see cref="SqlJournal"/>) as persistent actors use it: events come back in order after a
/// restart, deletion keeps the numbering, every persistence id is listed, config entities recover their versions. Run on
/// SQLite (<see cref="SqliteJournalTests"/>) and on a PostgreSQL server (<see cref="PostgresJournalTests"/>); journals
/// written by the plugin it replaced are in <see cref="JournalUpgradeContract"/>.
/// </summary>
public abstract class SqlJournalContract : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    // A one-node cluster: config entities write only on an Up member.
    protected SqlJournalContract(ConfigStoreSettings settings, string name) : base(Configure(settings), name)
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up, Wait);
    }

    private static Config Configure(ConfigStoreSettings settings) =>
        ConfigurationFactory.ParseString("""
                akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
                akka.loglevel = WARNING
                """)
            .WithFallback(ConfigStoreExtensions.PersistenceConfig(settings))
            .WithFallback(NodeConfigLoader.Defaults);

    /// <summary>Settings of a store the test may write: a fresh SQLite file, or a fresh PostgreSQL database.</summary>
    protected static ConfigStoreSettings Settings(string provider, string directory, string connectionString = "") =>
        new(directory, provider, "journal.db", connectionString, 10, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), TimeSpan.Zero);

    [Fact]
    public void Events_AfterRestart_ComeBackInOrder()
    {
        var id = "orders-" + Guid.NewGuid().ToString("N");
        var first = Sys.ActorOf(Recorder.Props(id));
        foreach (var e in new[] { "a", "b", "c" })
        {
            first.Tell(new Recorder.Add(e), TestActor);
            ExpectMsg<long>(Wait);
        }
        Stop(first);

        var second = Sys.ActorOf(Recorder.Props(id));
        second.Tell(Recorder.Get.Instance, TestActor);
        var state = ExpectMsg<Recorder.State>(Wait);

        Assert.Equal(["a", "b", "c"], state.Events);
        Assert.Equal(3, state.LastSequenceNr);
    }

    [Fact]
    public void DeleteMessages_OfEveryEvent_RecoversNothingAndKeepsNumbering()
    {
        var id = "deleted-" + Guid.NewGuid().ToString("N");
        var first = Sys.ActorOf(Recorder.Props(id));
        foreach (var e in new[] { "a", "b", "c" })
        {
            first.Tell(new Recorder.Add(e), TestActor);
            ExpectMsg<long>(Wait);
        }
        first.Tell(new Recorder.DeleteTo(3), TestActor);
        ExpectMsg<DeleteMessagesSuccess>(Wait);
        Stop(first);

        var second = Sys.ActorOf(Recorder.Props(id));
        second.Tell(Recorder.Get.Instance, TestActor);
        var recovered = ExpectMsg<Recorder.State>(Wait);
        second.Tell(new Recorder.Add("d"), TestActor);

        Assert.Empty(recovered.Events);
        Assert.Equal(3, recovered.LastSequenceNr);
        Assert.Equal(4, ExpectMsg<long>(Wait));
    }

    [Fact]
    public void DeleteMessages_UpToTheMiddle_RecoversTheRest()
    {
        var id = "half-" + Guid.NewGuid().ToString("N");
        var first = Sys.ActorOf(Recorder.Props(id));
        foreach (var e in new[] { "a", "b", "c", "d" })
        {
            first.Tell(new Recorder.Add(e), TestActor);
            ExpectMsg<long>(Wait);
        }
        first.Tell(new Recorder.DeleteTo(2), TestActor);
        ExpectMsg<DeleteMessagesSuccess>(Wait);
        Stop(first);

        var second = Sys.ActorOf(Recorder.Props(id));
        second.Tell(Recorder.Get.Instance, TestActor);

        Assert.Equal(["c", "d"], ExpectMsg<Recorder.State>(Wait).Events);
    }

    [Fact]
    public void GetPersistenceIds_ListsEveryWriter()
    {
        var ids = new[] { "p-" + Guid.NewGuid().ToString("N"), "q-" + Guid.NewGuid().ToString("N") };
        foreach (var id in ids)
        {
            Sys.ActorOf(Recorder.Props(id)).Tell(new Recorder.Add("x"), TestActor);
            ExpectMsg<long>(Wait);
        }

        Persistence.Instance.Apply(Sys).JournalFor(null).Tell(SqlJournal.GetPersistenceIds.Instance, TestActor);

        Assert.Superset(ids.ToHashSet(), ExpectMsg<SqlJournal.PersistenceIds>(Wait).Ids.ToHashSet());
    }

    [Fact]
    public void ConfigEntities_WrittenAndReadBack_KeepTheirDefinitions()
    {
        var name = "backend-" + Guid.NewGuid().ToString("N")[..8];
        var upstream = Sys.ActorOf(UpstreamEntity.Props(name, TimeSpan.FromSeconds(3)));
        upstream.Tell(new UpsertUpstream(new UpstreamDefinition { Name = name, Endpoints = [new EndpointDefinition { Url = "http://127.0.0.1:9" }] }), TestActor);
        ExpectMsg<UpstreamAccepted>(Wait);
        Stop(upstream);

        var again = Sys.ActorOf(UpstreamEntity.Props(name, TimeSpan.FromSeconds(3)));
        again.Tell(new UpsertUpstream(new UpstreamDefinition { Name = name, Endpoints = [new EndpointDefinition { Url = "http://127.0.0.1:10" }] }), TestActor);
        var accepted = ExpectMsg<UpstreamAccepted>(Wait);

        Assert.Equal((2L, false), (accepted.Upstream.Version, accepted.Created));
    }

    private void Stop(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor, Wait);
    }

    /// <summary>Persists strings and answers with what it holds.</summary>
    private sealed class Recorder : ReceivePersistentActor
    {
        private readonly string _persistenceId;
        private ImmutableList<string> _events = [];
        private IActorRef _deleteReplyTo = ActorRefs.Nobody;

        public static Props Props(string persistenceId) => Akka.Actor.Props.Create(() => new Recorder(persistenceId));

        public Recorder(string persistenceId)
        {
            _persistenceId = persistenceId;
            Recover<string>(e => _events = _events.Add(e));
            Command<Add>(add =>
            {
                var replyTo = Sender;
                Persist(add.Event, e =>
                {
                    _events = _events.Add(e);
                    replyTo.Tell(LastSequenceNr);
                });
            });
            Command<Get>(_ => Sender.Tell(new State(_events, LastSequenceNr)));
            Command<DeleteTo>(delete =>
            {
                _deleteReplyTo = Sender;
                DeleteMessages(delete.SequenceNr);
            });
            Command<DeleteMessagesSuccess>(success => _deleteReplyTo.Tell(success));
            Command<DeleteMessagesFailure>(failure => _deleteReplyTo.Tell(failure));
        }

        public override string PersistenceId => _persistenceId;

        public sealed record Add(string Event);

        public sealed record DeleteTo(long SequenceNr);

        public sealed record Get
        {
            public static readonly Get Instance = new();
        }

        public sealed record State(ImmutableList<string> Events, long LastSequenceNr);
    }
}

/// <summary><see cref="SqlJournalContract"/> on a SQLite file in a temporary directory, as a default node runs it.</summary>
public sealed class SqliteJournalTests : SqlJournalContract
{
    private readonly string _directory;

    public SqliteJournalTests() : this(Path.Combine(Path.GetTempPath(), "gateway-journal-" + Guid.NewGuid().ToString("N")))
    {
    }

    private SqliteJournalTests(string directory) : base(Prepare(directory), "sqlite-journal") => _directory = directory;

    private static ConfigStoreSettings Prepare(string directory)
    {
        Directory.CreateDirectory(directory);
        return Settings("sqlite", directory);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteDirectory.Delete(_directory);
    }
}

/// <summary><see cref="SqlJournalContract"/> on a fresh database of a throwaway PostgreSQL server.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Process")]
public sealed class PostgresJournalTests(PostgresServer server)
    : SqlJournalContract(Settings("postgresql", Path.GetTempPath(), server.NewDatabase()), "postgres-journal");
