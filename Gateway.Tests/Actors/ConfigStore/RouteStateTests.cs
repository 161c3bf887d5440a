using Gateway.Actors.ConfigStore;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Routing;
using Xunit;

namespace Gateway.Tests.Actors.ConfigStore;

public sealed class RouteStateTests
{
    private static readonly Func<string, bool> OnlyUsers = name => name == "users";

    private static RouteDefinition Route(string path = "/users/{**rest}", string upstream = "users") =>
        new() { Id = "users", Path = path, Upstream = upstream };

    private static RouteState After(params IGatewayMessage[] events) => events.Aggregate(RouteState.Empty, (s, e) => s.Apply(e));

    [Fact]
    public void Process_FirstUpsert_PersistsVersion1AndAnswersCreated()
    {
        var decision = RouteState.Empty.Process(new UpsertRoute(Route()), OnlyUsers);

        var upserted = Assert.IsType<RouteUpserted>(Assert.Single(decision.Events));
        Assert.Equal(1, upserted.Route.Version);
        var accepted = Assert.IsType<RouteAccepted>(decision.Reply);
        Assert.True(accepted.Created);
        Assert.Equal(1, accepted.Route.Version);
    }

    [Fact]
    public void Process_ChangedUpsert_IncrementsVersionAndAnswersNotCreated()
    {
        var state = After(new RouteUpserted(Route() with { Version = 1 }));

        var decision = state.Process(new UpsertRoute(Route(path: "/people/{**rest}")), OnlyUsers);

        Assert.Equal(2, Assert.IsType<RouteUpserted>(Assert.Single(decision.Events)).Route.Version);
        Assert.False(Assert.IsType<RouteAccepted>(decision.Reply).Created);
    }

    [Fact]
    public void Process_IdenticalUpsert_StoresNothingAndKeepsVersion()
    {
        var state = After(new RouteUpserted(Route() with { Version = 4 }));

        // The version in the command is ignored: it is the owner that versions.
        var decision = state.Process(new UpsertRoute(Route() with { Version = 99 }), OnlyUsers);

        Assert.Empty(decision.Events);
        Assert.Equal(4, Assert.IsType<RouteAccepted>(decision.Reply).Route.Version);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(2L)]
    public void Process_UpsertWithWrongExpectedVersion_IsAConflict(long expected)
    {
        var state = After(new RouteUpserted(Route() with { Version = 1 }));

        var decision = state.Process(new UpsertRoute(Route(path: "/x"), expected), OnlyUsers);

        Assert.Empty(decision.Events);
        Assert.Equal(1, Assert.IsType<VersionConflict>(decision.Reply).CurrentVersion);
    }

    [Fact]
    public void Process_UpsertWithMatchingExpectedVersion_IsAccepted()
    {
        var state = After(new RouteUpserted(Route() with { Version = 1 }));

        var decision = state.Process(new UpsertRoute(Route(path: "/x"), ExpectedVersion: 1), OnlyUsers);

        Assert.Equal(2, Assert.IsType<RouteAccepted>(decision.Reply).Route.Version);
    }

    [Fact]
    public void Process_InvalidRoute_RejectsWithEveryFieldError()
    {
        var decision = RouteState.Empty.Process(new UpsertRoute(Route(path: "/a/{**b}/c", upstream: "x")), OnlyUsers);

        Assert.Empty(decision.Events);
        var errors = Assert.IsType<ValidationRejected>(decision.Reply).Errors;
        Assert.Contains(errors, e => e.Field == "path" && e.Message.Contains("catch-all must be last"));
        Assert.Contains(errors, e => e.Field == "upstream" && e.Message == "upstream 'x' does not exist");
    }

    [Fact]
    public void Process_RouteWithoutPath_IsRejected()
    {
        var decision = RouteState.Empty.Process(new UpsertRoute(Route(path: "")), OnlyUsers);

        Assert.Contains(Assert.IsType<ValidationRejected>(decision.Reply).Errors, e => e.Field == "path");
    }

    [Fact]
    public void Process_DeleteOfMissingRoute_IsNotFound()
    {
        var decision = RouteState.Empty.Process(new DeleteRoute("users"));

        Assert.Empty(decision.Events);
        Assert.Equal("route:users", Assert.IsType<DefinitionNotFound>(decision.Reply).EntityKey);
    }

    [Fact]
    public void Process_Delete_TakesTheNextVersionAndRecreateContinuesFromIt()
    {
        var state = After(new RouteUpserted(Route() with { Version = 3 }));

        var delete = state.Process(new DeleteRoute("users", ExpectedVersion: 3));
        var deleted = Assert.IsType<RouteDeleted>(Assert.Single(delete.Events));
        Assert.Equal(4, deleted.Version);
        state = state.Apply(deleted);
        Assert.Null(state.Current);

        var recreate = state.Process(new UpsertRoute(Route()), OnlyUsers);
        var accepted = Assert.IsType<RouteAccepted>(recreate.Reply);
        Assert.True(accepted.Created);
        Assert.Equal(5, accepted.Route.Version);
    }

    [Fact]
    public void Process_DeleteWithWrongExpectedVersion_IsAConflict()
    {
        var state = After(new RouteUpserted(Route() with { Version = 2 }));

        var decision = state.Process(new DeleteRoute("users", ExpectedVersion: 1));

        Assert.Empty(decision.Events);
        Assert.Equal(2, Assert.IsType<VersionConflict>(decision.Reply).CurrentVersion);
    }

    [Fact]
    public void Apply_ReplaysEventsToTheLastState()
    {
        var state = After(
            new RouteUpserted(Route() with { Version = 1 }),
            new RouteUpserted(Route(path: "/v2/{**rest}") with { Version = 2 }),
            new RouteDeleted("users", 3),
            new RouteUpserted(Route(path: "/v3") with { Version = 4 }));

        Assert.Equal(4, state.Version);
        Assert.Equal("/v3", state.Current!.Path);
    }
}
