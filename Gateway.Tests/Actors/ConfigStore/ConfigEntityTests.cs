using Akka.Actor;
using Akka.Actor.Dsl;
using Akka.Configuration;
using Akka.DistributedData;
using Gateway.Actors.ConfigStore;
using Gateway.Node.Configuration;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Serialization;
using Gateway.Protocol.Upstreams;
using Xunit;

namespace Gateway.Tests.Actors.ConfigStore;

/// <summary>The route and upstream entities in a one-node cluster with the in-memory journal: persist, replicate, recover.</summary>
public sealed class ConfigEntityTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(3);

    private static readonly Config TestConfig = ConfigurationFactory.ParseString("""
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        akka.loglevel = WARNING
        """).WithFallback(NodeConfigLoader.Defaults);

    private static readonly UpstreamDefinition Backend = new() { Name = "backend", Endpoints = [new EndpointDefinition { Url = "http://127.0.0.1:9" }] };

    public ConfigEntityTests() : base(TestConfig, "entities")
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Upsert_IsPersistedReplicatedAndRecoveredByTheNextIncarnation()
    {
        Sys.ActorOf(UpstreamEntity.Props("backend", WriteTimeout)).Tell(new UpsertUpstream(Backend), TestActor);
        Assert.Equal(1, ExpectMsg<UpstreamAccepted>().Upstream.Version);

        var route = new RouteDefinition { Id = "orders", Path = "/orders/{**rest}", Upstream = "backend" };
        var first = Sys.ActorOf(RouteEntity.Props("orders", WriteTimeout));
        first.Tell(new UpsertRoute(route), TestActor);
        Assert.Equal(1, ExpectMsg<RouteAccepted>().Route.Version);
        var replicated = ReplicatedRoutes();
        Assert.Equal("/orders/{**rest}", Assert.Single(replicated).Path);

        Watch(first);
        first.Tell(PoisonPill.Instance);
        ExpectTerminated(first);

        var second = Sys.ActorOf(RouteEntity.Props("orders", WriteTimeout));
        second.Tell(new Republish(EntityKeys.Route("orders")), TestActor);
        Assert.Equal(new Republished("route:orders", 1), ExpectMsg<Republished>());
        second.Tell(new UpsertRoute(route with { Path = "/orders/v2/{**rest}" }, ExpectedVersion: 1), TestActor);
        Assert.Equal(2, ExpectMsg<RouteAccepted>().Route.Version);
        Assert.Equal(2, Assert.Single(ReplicatedRoutes()).Version);
    }

    [Fact]
    public void Upsert_OntoAnUpstreamNoNodeHas_IsRejectedAndNothingIsReplicated()
    {
        var entity = Sys.ActorOf(RouteEntity.Props("lost", WriteTimeout));

        entity.Tell(new UpsertRoute(new RouteDefinition { Id = "lost", Path = "/lost", Upstream = "nowhere" }), TestActor);

        var rejected = ExpectMsg<ValidationRejected>();
        Assert.Equal("upstream 'nowhere' does not exist", Assert.Single(rejected.Errors).Message);
        Assert.Empty(ReplicatedRoutes());
    }

    [Fact]
    public void CommandsSentTogether_AreAnsweredInOrder()
    {
        Sys.ActorOf(UpstreamEntity.Props("backend", WriteTimeout)).Tell(new UpsertUpstream(Backend), TestActor);
        ExpectMsg<UpstreamAccepted>();
        var entity = Sys.ActorOf(RouteEntity.Props("busy", WriteTimeout));
        var route = new RouteDefinition { Id = "busy", Path = "/a", Upstream = "backend" };

        entity.Tell(new UpsertRoute(route), TestActor);
        entity.Tell(new UpsertRoute(route with { Path = "/b" }, ExpectedVersion: 1), TestActor);
        entity.Tell(new DeleteRoute("busy", ExpectedVersion: 2), TestActor);

        Assert.Equal(1, ExpectMsg<RouteAccepted>().Route.Version);
        Assert.Equal(2, ExpectMsg<RouteAccepted>().Route.Version);
        Assert.Equal(3, ExpectMsg<DefinitionDeleted>().Version);
        Assert.Empty(ReplicatedRoutes());
    }

    [Fact]
    public void DeleteUpstream_UsedByAReplicatedRoute_IsRefused()
    {
        var upstream = Sys.ActorOf(UpstreamEntity.Props("backend", WriteTimeout));
        upstream.Tell(new UpsertUpstream(Backend), TestActor);
        ExpectMsg<UpstreamAccepted>();
        Sys.ActorOf(RouteEntity.Props("user", WriteTimeout)).Tell(new UpsertRoute(new RouteDefinition { Id = "user", Path = "/u", Upstream = "backend" }), TestActor);
        ExpectMsg<RouteAccepted>();

        upstream.Tell(new DeleteUpstream("backend"), TestActor);

        Assert.Equal("user", Assert.Single(ExpectMsg<UpstreamInUse>().RouteIds));
    }

    [Fact]
    public void TrackedCommand_IsAcknowledgedBeforeItIsStored_AndItsOutcomeIsAnsweredOnceStored()
    {
        Sys.ActorOf(UpstreamEntity.Props("backend", WriteTimeout)).Tell(new UpsertUpstream(Backend), TestActor);
        ExpectMsg<UpstreamAccepted>();
        var entity = Sys.ActorOf(RouteEntity.Props("tracked", WriteTimeout));
        var id = Guid.NewGuid();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds();

        entity.Tell(new UpsertRoute(new RouteDefinition { Id = "tracked", Path = "/tracked", Upstream = "backend" }) { Deadline = deadline, CommandId = id }, TestActor);
        entity.Tell(new GetCommandOutcome(EntityKeys.Route("tracked"), id), TestActor);

        // The sender learns at once that the command passed the deadline check; the outcome comes only to the query,
        // which waits behind the store: however slow the journal, "applied" is never reported as "not applied".
        Assert.Equal(id, ExpectMsg<CommandInProgress>().CommandId);
        var outcome = ExpectMsg<RouteAccepted>();
        Assert.True(outcome.Created);
        Assert.Equal("/tracked", outcome.Route.Path);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Command_PastItsDeadline_IsDroppedUnpersisted()
    {
        Sys.ActorOf(UpstreamEntity.Props("backend", WriteTimeout)).Tell(new UpsertUpstream(Backend), TestActor);
        ExpectMsg<UpstreamAccepted>();
        var first = Sys.ActorOf(RouteEntity.Props("late", WriteTimeout));
        var late = DateTimeOffset.UtcNow.AddMilliseconds(-1).ToUnixTimeMilliseconds();

        first.Tell(new UpsertRoute(new RouteDefinition { Id = "late", Path = "/late", Upstream = "backend" }) { Deadline = late }, TestActor);

        Assert.Contains("deadline", ExpectMsg<CommandNotApplied>().Reason);
        Assert.Empty(ReplicatedRoutes());
        Watch(first);
        first.Tell(PoisonPill.Instance);
        ExpectTerminated(first);
        // The next incarnation recovers from the journal: nothing was persisted.
        Sys.ActorOf(RouteEntity.Props("late", WriteTimeout)).Tell(new Republish(EntityKeys.Route("late")), TestActor);
        Assert.Equal(0, ExpectMsg<Republished>().Version);
    }

    [Fact]
    public void StoredChanges_AreSentStraightToEveryMembersRouteReplica()
    {
        var replica = CreateTestProbe();
        Sys.ActorOf(dsl => dsl.ReceiveAny((message, _) => replica.Ref.Tell(message)), RouteReplicaActor.Name);
        Sys.ActorOf(UpstreamEntity.Props("backend", WriteTimeout)).Tell(new UpsertUpstream(Backend), TestActor);
        ExpectMsg<UpstreamAccepted>();
        Assert.Equal("upstream:backend", replica.ExpectMsg<DefinitionWritten>().EntityKey);
        var entity = Sys.ActorOf(RouteEntity.Props("direct", WriteTimeout));

        entity.Tell(new UpsertRoute(new RouteDefinition { Id = "direct", Path = "/direct", Upstream = "backend" }), TestActor);
        ExpectMsg<RouteAccepted>();
        var put = replica.ExpectMsg<DefinitionWritten>();
        entity.Tell(new DeleteRoute("direct"), TestActor);
        ExpectMsg<DefinitionDeleted>();

        Assert.Equal(("route:direct", 1L), (put.EntityKey, ReplicatedDefinitions.Decode(put.Value).Version));
        Assert.Equal(new DefinitionWritten("route:direct", ReplicatedDefinitions.Tombstone(2)), replica.ExpectMsg<DefinitionWritten>());
    }

    [Fact]
    public void RouteReplica_ServesAnOwnersEntryWithoutDistributedData_AndNeverGoesBackBehindATombstone()
    {
        var table = CreateTestProbe();
        var status = new ConfigReplicaStatus();
        var replica = Sys.ActorOf(RouteReplicaActor.Props(table.Ref, status));
        replica.Tell(BootstrapCompleted.Instance);
        Acknowledge(table, replica);
        replica.Tell(new DefinitionWritten("upstream:backend", DefinitionJson.ToJson(Backend with { Version = 1 }).ToJsonString()));
        Acknowledge(table, replica);
        var route = DefinitionJson.ToJson(new RouteDefinition { Id = "direct", Path = "/direct", Upstream = "backend", Version = 1 }).ToJsonString();

        replica.Tell(new DefinitionWritten("route:direct", route));

        Assert.Equal("direct", Assert.Single(Acknowledge(table, replica).Routes).Id);
        replica.Tell(new AwaitDefinitionServed("route:direct", 1), TestActor);
        ExpectMsg(new DefinitionServed("route:direct", 1));
        replica.Tell(new DefinitionWritten("route:direct", ReplicatedDefinitions.Tombstone(2)));
        Assert.Empty(Acknowledge(table, replica).Routes);
        replica.Tell(new DefinitionWritten("route:direct", route));
        table.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Empty(status.Routes.Live);
    }

    // The route table's part: take the definitions and acknowledge them to the replica.
    private static Gateway.Protocol.Configuration.GatewayDefinitions Acknowledge(Akka.TestKit.TestProbe table, IActorRef replica)
    {
        var apply = table.ExpectMsg<Gateway.Actors.Routing.ApplyDefinitions>(TimeSpan.FromSeconds(5));
        replica.Tell(new Gateway.Actors.Routing.DefinitionsApplied(0));
        return apply.Definitions;
    }

    [Fact]
    public void Delete_IsReplicatedAsAVersionedTombstone()
    {
        Sys.ActorOf(UpstreamEntity.Props("backend", WriteTimeout)).Tell(new UpsertUpstream(Backend), TestActor);
        ExpectMsg<UpstreamAccepted>();
        var entity = Sys.ActorOf(RouteEntity.Props("gone", WriteTimeout));
        entity.Tell(new UpsertRoute(new RouteDefinition { Id = "gone", Path = "/gone", Upstream = "backend" }), TestActor);
        ExpectMsg<RouteAccepted>();

        entity.Tell(new DeleteRoute("gone"), TestActor);

        Assert.Equal(2, ExpectMsg<DefinitionDeleted>().Version);
        Assert.Equal(ReplicatedDefinitions.Tombstone(2), LocalRoutes()["gone"]);
        Assert.Empty(ReplicatedRoutes());
    }

    [Fact]
    public void UnchangedUpsert_AndAntiEntropy_BringBackAnEntryTheReplicaLost()
    {
        Sys.ActorOf(UpstreamEntity.Props("backend", WriteTimeout)).Tell(new UpsertUpstream(Backend), TestActor);
        ExpectMsg<UpstreamAccepted>();
        var route = new RouteDefinition { Id = "heal", Path = "/heal", Upstream = "backend" };
        var entity = Sys.ActorOf(RouteEntity.Props("heal", WriteTimeout, republishInterval: TimeSpan.FromMilliseconds(300)));
        entity.Tell(new UpsertRoute(route), TestActor);
        ExpectMsg<RouteAccepted>();

        LoseRouteFromReplica("heal");
        entity.Tell(new UpsertRoute(route), TestActor);
        Assert.False(ExpectMsg<RouteAccepted>().Created);
        Assert.Equal(1, Assert.Single(ReplicatedRoutes()).Version);

        LoseRouteFromReplica("heal");
        AwaitCondition(() => ReplicatedRoutes().Count == 1, TimeSpan.FromSeconds(5));
    }

    private void LoseRouteFromReplica(string id)
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        var replicator = DistributedData.Get(Sys).Replicator;
        var response = replicator.Ask<IUpdateResponse>(Dsl.Update(ReplicatedDefinitions.RoutesKey, LWWDictionary<string, string>.Empty, WriteLocal.Instance,
            data => data.Remove(cluster, id)), TimeSpan.FromSeconds(3)).Result;
        Assert.True(response.IsSuccessful);
        Assert.Empty(ReplicatedRoutes());
    }

    private LWWDictionary<string, string> LocalRoutes()
    {
        var replicator = DistributedData.Get(Sys).Replicator;
        var response = replicator.Ask<IGetResponse>(Dsl.Get(ReplicatedDefinitions.RoutesKey, ReadLocal.Instance), TimeSpan.FromSeconds(3)).Result;
        return response.Get(ReplicatedDefinitions.RoutesKey);
    }

    private IReadOnlyList<RouteDefinition> ReplicatedRoutes()
    {
        var replicator = DistributedData.Get(Sys).Replicator;
        var response = replicator.Ask<IGetResponse>(Dsl.Get(ReplicatedDefinitions.RoutesKey, ReadLocal.Instance), TimeSpan.FromSeconds(3)).Result;
        return response.IsSuccessful ? ReplicatedDefinitions.Routes(response.Get(ReplicatedDefinitions.RoutesKey)) : [];
    }
}
