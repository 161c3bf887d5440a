using Gateway.Actors.ConfigStore;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Xunit;

namespace Gateway.Tests.Actors.ConfigStore;

public sealed class UpstreamStateTests
{
    private static UpstreamDefinition Upstream(string url = "http://10.0.0.5:8080") =>
        new() { Name = "users", Endpoints = [new EndpointDefinition { Url = url }] };

    private static readonly UpstreamState Stored = UpstreamState.Empty.Apply(new UpstreamUpserted(Upstream() with { Version = 1 }));

    [Fact]
    public void Process_FirstUpsert_PersistsVersion1()
    {
        var decision = UpstreamState.Empty.Process(new UpsertUpstream(Upstream()));

        Assert.Equal(1, Assert.IsType<UpstreamUpserted>(Assert.Single(decision.Events)).Upstream.Version);
        Assert.True(Assert.IsType<UpstreamAccepted>(decision.Reply).Created);
    }

    [Fact]
    public void Process_IdenticalUpsert_KeepsVersion()
    {
        var decision = Stored.Process(new UpsertUpstream(Upstream()));

        Assert.Empty(decision.Events);
        Assert.Equal(1, Assert.IsType<UpstreamAccepted>(decision.Reply).Upstream.Version);
    }

    [Fact]
    public void Process_InvalidUpstream_RejectsNamingTheField()
    {
        var decision = UpstreamState.Empty.Process(new UpsertUpstream(Upstream(url: "ftp://x")));

        var error = Assert.Single(Assert.IsType<ValidationRejected>(decision.Reply).Errors);
        Assert.Equal("endpoints[0].url", error.Field);
    }

    [Fact]
    public void Process_UpsertWithWrongExpectedVersion_IsAConflict()
    {
        var decision = Stored.Process(new UpsertUpstream(Upstream(url: "http://10.0.0.6"), ExpectedVersion: 7));

        Assert.Equal(1, Assert.IsType<VersionConflict>(decision.Reply).CurrentVersion);
    }

    [Fact]
    public void Process_DeleteWhileRoutesUseIt_IsRefusedNamingTheRoutes()
    {
        RouteDefinition[] routes =
        [
            new() { Id = "b", Path = "/b", Upstream = "users" },
            new() { Id = "other", Path = "/o", Upstream = "orders" },
            new() { Id = "a", Path = "/a", Upstream = "users" },
        ];

        var decision = Stored.Process(new DeleteUpstream("users"), routes);

        Assert.Empty(decision.Events);
        Assert.Equal(["a", "b"], Assert.IsType<UpstreamInUse>(decision.Reply).RouteIds.ToArray());
    }

    [Fact]
    public void Process_DeleteUnused_PersistsDeletionWithNextVersion()
    {
        var decision = Stored.Process(new DeleteUpstream("users", ExpectedVersion: 1), []);

        var deleted = Assert.IsType<UpstreamDeleted>(Assert.Single(decision.Events));
        Assert.Equal(2, deleted.Version);
        Assert.Equal(new DefinitionDeleted("upstream:users", 2), decision.Reply);
        Assert.Null(Stored.Apply(deleted).Current);
    }

    [Fact]
    public void Process_DeleteOfMissing_IsNotFound()
    {
        Assert.IsType<DefinitionNotFound>(UpstreamState.Empty.Process(new DeleteUpstream("users"), []).Reply);
    }
}
