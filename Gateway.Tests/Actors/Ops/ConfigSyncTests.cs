using Akka.Actor;
using Akka.TestKit.Xunit2;
using Gateway.Actors.Ops;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Xunit;

namespace Gateway.Tests.Actors.Ops;

/// <summary>A sync sends the diff's changes to the owners in order, each expecting the version the diff saw, and stops at a conflict.</summary>
public sealed class ConfigSyncTests : TestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static readonly GatewayDefinitions Cluster = new(
        [new UpstreamDefinition { Name = "u", Endpoints = [new EndpointDefinition { Url = "http://127.0.0.1:9001" }], Version = 2 }],
        [new RouteDefinition { Id = "a", Path = "/a", Upstream = "u", Version = 4 }, new RouteDefinition { Id = "b", Path = "/b", Upstream = "u", Version = 5 }]);

    private const string File = """
        gateway {
          upstreams = [ { name = u, endpoints = [ "http://127.0.0.1:9001" ] }, { name = v, endpoints = [ "http://127.0.0.1:9002" ] } ]
          routes = [ { id = a, path = "/a2", upstream = v } ]
        }
        """;

    [Fact]
    public async Task Apply_SendsInOrderWithExpectedVersions()
    {
        var owners = CreateTestProbe();
        var report = ConfigSync.Diff(Cluster, "f.conf", File, prune: true);

        var applying = ConfigSync.ApplyAsync(owners, report, Timeout, CancellationToken.None);

        var upstream = owners.ExpectMsg<UpsertUpstream>();
        Assert.Equal(("v", 0L), (upstream.Upstream.Name, upstream.ExpectedVersion));
        owners.Reply(new UpstreamAccepted(upstream.Upstream with { Version = 1 }, Created: true));
        var route = owners.ExpectMsg<UpsertRoute>();
        Assert.Equal(("a", 4L, "/a2"), (route.Route.Id, route.ExpectedVersion, route.Route.Path));
        owners.Reply(new RouteAccepted(route.Route with { Version = 5 }, Created: false));
        var delete = owners.ExpectMsg<DeleteRoute>();
        Assert.Equal(("b", 5L), (delete.RouteId, delete.ExpectedVersion));
        owners.Reply(new DefinitionDeleted("route:b", 6));

        var done = await applying;
        Assert.Null(done.Stopped);
        Assert.Equal(["created", "updated", "deleted"], done.Steps.Select(s => s.Result));
    }

    [Fact]
    public async Task Apply_ChangedSinceTheDiff_StopsNamingIt()
    {
        var owners = CreateTestProbe();
        var report = ConfigSync.Diff(Cluster, "f.conf", File, prune: true);

        var applying = ConfigSync.ApplyAsync(owners, report, Timeout, CancellationToken.None);

        owners.ExpectMsg<UpsertUpstream>();
        owners.Reply(new UpstreamAccepted(new UpstreamDefinition { Name = "v", Version = 1 }, Created: true));
        owners.ExpectMsg<UpsertRoute>();
        owners.Reply(new VersionConflict(7));
        var done = await applying;

        owners.ExpectNoMsg(TimeSpan.FromMilliseconds(200));   // the delete of 'b' was never sent
        Assert.True(done.Conflict);
        Assert.Contains("route 'a' changed since the diff (the cluster has version 7, the diff saw 4)", done.Stopped);
        Assert.Equal(2, done.Steps.Length);
    }

    [Fact]
    public void Diff_InvalidFile_ErrorsNameTheField()
    {
        var report = ConfigSync.Diff(Cluster, "f.conf", "gateway.routes = [ { id = x, path = \"/x\", upstream = nowhere } ]", prune: false);

        Assert.Contains(report.Errors, e => e.Field == "gateway.routes[0].upstream");
        Assert.Empty(report.Plan);
    }
}
