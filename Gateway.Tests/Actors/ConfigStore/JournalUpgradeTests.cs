using Akka.Configuration;
using Akka.Persistence;
using Gateway.Actors.ConfigStore;
using Gateway.Node.Configuration;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Gateway.Tests.Support;
using Npgsql;
using Xunit;

namespace Gateway.Tests.Actors.ConfigStore;

/// <summary>
/// A journal written by the releases before <see cref="SqlJournal"/> (Akka.Persistence.Sql 1.5.73 over linq2db) is read
/// as it is: its persistence ids are listed and its entities recover their versions, so an upgrade keeps every route.
/// The fixtures were written by that release (a node started on a file defining upstream <c>bench</c> and routes
/// <c>all</c> and <c>cached</c>, then through the admin API: route <c>orders</c> put twice, route <c>gone</c> put and
/// deleted); the PostgreSQL one is its <c>pg_dump --inserts</c>, tables included.
/// </summary>
public abstract class JournalUpgradeContract : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(3);

    protected JournalUpgradeContract(ConfigStoreSettings settings, string name) : base(Configure(settings), name)
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up, Wait);
    }

    /// <summary>Path of a fixture file copied beside the tests.</summary>
    protected static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Actors", "ConfigStore", "Fixtures", name);

    private static Config Configure(ConfigStoreSettings settings) =>
        ConfigurationFactory.ParseString("""
                akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
                akka.loglevel = WARNING
                """)
            .WithFallback(ConfigStoreExtensions.PersistenceConfig(settings))
            .WithFallback(NodeConfigLoader.Defaults);

    [Fact]
    public void PersistenceIds_OfTheOldJournal_AreListed()
    {
        Persistence.Instance.Apply(Sys).JournalFor(null).Tell(SqlJournal.GetPersistenceIds.Instance, TestActor);

        var ids = ExpectMsg<SqlJournal.PersistenceIds>(Wait).Ids.Where(EntityKeys.IsEntityKey).Order().ToArray();

        Assert.Equal(["route:all", "route:cached", "route:gone", "route:orders", "upstream:bench"], ids);
    }

    [Fact]
    public void Entities_OfTheOldJournal_RecoverTheirVersions()
    {
        // The upstream first: a route is checked against the upstreams its node knows.
        Sys.ActorOf(UpstreamEntity.Props("bench", WriteTimeout))
            .Tell(new UpsertUpstream(new UpstreamDefinition { Name = "bench", Endpoints = [new EndpointDefinition { Url = "http://127.0.0.1:9" }] }, ExpectedVersion: 1), TestActor);
        var upstream = ExpectMsg<UpstreamAccepted>(Wait);
        var orders = new RouteDefinition { Id = "orders", Path = "/orders/v2/{id}", Upstream = "bench" };
        Sys.ActorOf(RouteEntity.Props("orders", WriteTimeout)).Tell(new UpsertRoute(orders, ExpectedVersion: 2), TestActor);
        var route = ExpectMsg<RouteAccepted>(Wait);
        Sys.ActorOf(RouteEntity.Props("gone", WriteTimeout)).Tell(new UpsertRoute(new RouteDefinition { Id = "gone", Path = "/gone", Upstream = "bench" }), TestActor);
        var gone = ExpectMsg<RouteAccepted>(Wait);

        Assert.Equal((3L, false), (route.Route.Version, route.Created));
        Assert.Equal((2L, false), (upstream.Upstream.Version, upstream.Created));
        Assert.True(gone.Created, "a route deleted in the old journal is created anew");
    }
}

/// <summary><see cref="JournalUpgradeContract"/> on a copy of a SQLite file the old plugin wrote.</summary>
public sealed class SqliteJournalUpgradeTests : JournalUpgradeContract
{
    private readonly string _directory;

    public SqliteJournalUpgradeTests() : this(Path.Combine(Path.GetTempPath(), "gateway-journal-upgrade-" + Guid.NewGuid().ToString("N")))
    {
    }

    private SqliteJournalUpgradeTests(string directory) : base(Prepare(directory), "sqlite-journal-upgrade") => _directory = directory;

    private static ConfigStoreSettings Prepare(string directory)
    {
        Directory.CreateDirectory(directory);
        File.Copy(Fixture("akka-persistence-sql-1.5.73.db"), Path.Combine(directory, "journal.db"));
        return new ConfigStoreSettings(directory, "sqlite", "journal.db", "", 10, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), TimeSpan.Zero);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteDirectory.Delete(_directory);
    }
}

/// <summary><see cref="JournalUpgradeContract"/> on a PostgreSQL database restored from the old plugin's dump.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Process")]
public sealed class PostgresJournalUpgradeTests(PostgresServer server) : JournalUpgradeContract(Restore(server), "postgres-journal-upgrade")
{
    private static ConfigStoreSettings Restore(PostgresServer server)
    {
        var connectionString = server.NewDatabase();
        using (var connection = new NpgsqlConnection(connectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand(File.ReadAllText(Fixture("akka-persistence-sql-1.5.73.postgresql.sql")), connection);
            command.ExecuteNonQuery();
        }
        return new ConfigStoreSettings(Path.GetTempPath(), "postgresql", "unused.db", connectionString, 10, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1),
            TimeSpan.Zero);
    }
}
