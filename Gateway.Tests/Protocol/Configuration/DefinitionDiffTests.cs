using System.Collections.Immutable;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Xunit;

namespace Gateway.Tests.Protocol.Configuration;

/// <summary>The difference between the cluster and a file, and the order a sync applies it in.</summary>
public sealed class DefinitionDiffTests
{
    private static UpstreamDefinition Upstream(string name, long version = 1, string url = "http://127.0.0.1:9001") =>
        new() { Name = name, Endpoints = [new EndpointDefinition { Url = url }], Version = version };

    private static RouteDefinition Route(string id, string upstream, long version = 1, string path = "/x") =>
        new() { Id = id, Path = path, Upstream = upstream, Version = version };

    private static GatewayDefinitions Set(ImmutableArray<UpstreamDefinition> upstreams, ImmutableArray<RouteDefinition> routes) => new(upstreams, routes);

    [Fact]
    public void Compare_Equal_NoChanges_VersionsIgnored()
    {
        var cluster = Set([Upstream("u", 3)], [Route("r", "u", 7)]);
        var file = Set([Upstream("u", 0)], [Route("r", "u", 0)]);

        Assert.Empty(DefinitionDiff.Compare(cluster, file));
    }

    [Fact]
    public void Compare_CreateUpdateDelete_LinesAndApplyOrder()
    {
        var cluster = Set([Upstream("old", 2), Upstream("kept", 4)], [Route("gone", "old", 5), Route("moved", "kept", 6)]);
        var file = Set([Upstream("kept", url: "http://127.0.0.1:9009"), Upstream("new")],
            [Route("moved", "new", path: "/moved") with { Methods = ["GET"] }, Route("fresh", "new")]);

        var changes = DefinitionDiff.Compare(cluster, file);

        Assert.Equal(
        [
            "~ upstream kept: endpoints",
            "+ upstream new",
            "+ route fresh",
            "~ route moved: methods, path, upstream",
            "- route gone",
            "- upstream old",
        ], changes.Select(c => c.Line));
        // A write expects the version the diff saw: 0 for what does not exist yet.
        Assert.Equal([4L, 0, 0, 6, 5, 2], changes.Select(c => c.CurrentVersion));
    }

    [Fact]
    public void Plan_WithoutPrune_LeavesOutDeletes()
    {
        var changes = DefinitionDiff.Compare(Set([Upstream("u")], [Route("a", "u"), Route("b", "u")]), Set([Upstream("u")], [Route("a", "u", path: "/a")]));

        Assert.Equal(["~ route a: path"], DefinitionDiff.Plan(changes, prune: false).Select(c => c.Line));
        Assert.Equal(["~ route a: path", "- route b"], DefinitionDiff.Plan(changes, prune: true).Select(c => c.Line));
    }

    [Fact]
    public void Compare_PolicyField_NamedInHoconSpelling()
    {
        var cluster = Set([Upstream("u")], [Route("r", "u")]);
        var file = Set([Upstream("u")], [Route("r", "u") with { RateLimit = new RateLimitDefinition { Limit = 5, Period = TimeSpan.FromSeconds(1) }, MaxRequestBodySize = 10 }]);

        Assert.Equal(["max-request-body-size", "rate-limit"], Assert.Single(DefinitionDiff.Compare(cluster, file)).Fields.AsEnumerable());
    }
}
