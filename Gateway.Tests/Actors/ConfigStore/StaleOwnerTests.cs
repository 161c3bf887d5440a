using Akka.Actor;
using Akka.Configuration;
using Gateway.Actors.ConfigStore;
using Gateway.Node.Configuration;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Xunit;

namespace Gateway.Tests.Actors.ConfigStore;

/// <summary>
/// An owner entity whose state is behind the journal (another incarnation of it wrote meanwhile, as after a pause or a
/// partition) stops rather than overwrites: its next persist collides with the newer event on the journal's
/// (persistence id, sequence number) key. One-node cluster, SQLite journal in a temporary directory.
/// </summary>
public sealed class StaleOwnerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(3);
    private readonly string _directory;

    public StaleOwnerTests() : this(Path.Combine(Path.GetTempPath(), "gateway-stale-owner-" + Guid.NewGuid().ToString("N")))
    {
    }

    private StaleOwnerTests(string directory) : base(Configure(directory), "stale-owner")
    {
        _directory = directory;
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up, TimeSpan.FromSeconds(10));
    }

    private static Config Configure(string directory)
    {
        Directory.CreateDirectory(directory);
        var settings = new ConfigStoreSettings(directory, "sqlite", "journal.db", "", 10, WriteTimeout, TimeSpan.FromSeconds(1), TimeSpan.Zero);
        return ConfigurationFactory.ParseString("""
                akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
                akka.loglevel = WARNING
                """)
            .WithFallback(ConfigStoreExtensions.PersistenceConfig(settings))
            .WithFallback(NodeConfigLoader.Defaults);
    }

    [Fact]
    public void Owner_FindingTheJournalAheadOfItsState_StopsWithoutOverwriting()
    {
        Sys.ActorOf(UpstreamEntity.Props("backend", WriteTimeout))
            .Tell(new UpsertUpstream(new UpstreamDefinition { Name = "backend", Endpoints = [new EndpointDefinition { Url = "http://127.0.0.1:9" }] }), TestActor);
        ExpectMsg<UpstreamAccepted>(TimeSpan.FromSeconds(15));
        var route = new RouteDefinition { Id = "orders", Path = "/orders", Upstream = "backend" };
        var stale = Sys.ActorOf(RouteEntity.Props("orders", WriteTimeout));
        stale.Tell(new UpsertRoute(route), TestActor);
        Assert.Equal(1, ExpectMsg<RouteAccepted>(TimeSpan.FromSeconds(15)).Route.Version);
        // Another incarnation (the owner elsewhere, after this one was cut off) stores version 2.
        var newer = Sys.ActorOf(RouteEntity.Props("orders", WriteTimeout));
        newer.Tell(new UpsertRoute(route with { Path = "/orders/v2" }, ExpectedVersion: 1), TestActor);
        Assert.Equal(2, ExpectMsg<RouteAccepted>(TimeSpan.FromSeconds(15)).Route.Version);
        Sys.Stop(newer);
        Watch(stale);

        // The stale owner still believes version 1 is current, so its command passes its own check.
        stale.Tell(new UpsertRoute(route with { Path = "/orders/stale" }, ExpectedVersion: 1), TestActor);

        ExpectTerminated(stale, TimeSpan.FromSeconds(15));
        var recovered = Sys.ActorOf(RouteEntity.Props("orders", WriteTimeout));
        recovered.Tell(new UpsertRoute(route with { Path = "/orders/v2" }), TestActor);
        var current = ExpectMsg<RouteAccepted>(TimeSpan.FromSeconds(15));
        Assert.Equal((2L, false), (current.Route.Version, current.Created));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
