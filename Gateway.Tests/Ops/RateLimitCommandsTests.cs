using System.Collections.Immutable;
using System.Net;
using Gateway.Actors.Ops;
using Gateway.Actors.RateLimiting;
using Gateway.Actors.Routing;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Ops;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.Ops;

public sealed class RateLimitCommandsTests : IDisposable
{
    private static readonly UpstreamDefaults Defaults = UpstreamDefaults.FromConfig(Gateway.Actors.GatewayDefaults.Config);
    private readonly ClientAddressResolver _clients = new([]);
    private readonly RouteRateLimiter _byKey;
    private readonly ClusterRateLimiter _shared;
    private readonly RouteTable<CompiledRoute> _table;

    public RateLimitCommandsTests()
    {
        var upstream = new UpstreamDefinition { Name = "u", Endpoints = [new EndpointDefinition { Url = "http://10.0.0.5:8080" }] };
        var byKey = new RouteDefinition
        {
            Id = "by-key", Path = "/k", Upstream = "u",
            RateLimit = new RateLimitDefinition { Key = "header:X-Api-Key", Limit = 2, Period = TimeSpan.FromMinutes(1) },
        };
        var shared = new RouteDefinition
        {
            Id = "shared", Path = "/s", Upstream = "u",
            RateLimit = new RateLimitDefinition { Key = "route", Limit = 10, Burst = 3, Scope = "cluster" },
        };
        var open = new RouteDefinition { Id = "open", Path = "/o", Upstream = "u" };
        _byKey = new RouteRateLimiter(byKey.Id, byKey.RateLimit, _clients);
        _shared = new ClusterRateLimiter(shared.Id, shared.RateLimit, _clients);
        var runtimes = ImmutableDictionary<string, UpstreamRuntime>.Empty.Add("u", new UpstreamRuntime(upstream, Defaults, new HttpMessageInvoker(new SocketsHttpHandler())));
        (_table, _) = RouteTableActor.Compile(new GatewayDefinitions([upstream], [byKey, shared, open]), runtimes,
            new Dictionary<string, IRouteRateLimiter> { [byKey.Id] = _byKey, [shared.Id] = _shared });
    }

    [Fact]
    public void RateLimits_ListsEachLimitedRoute_WithPolicyAndCounts()
    {
        for (var i = 0; i < 3; i++) _byKey.TryAdmit(Request("alice-secret-key"));
        _byKey.TryAdmit(Request("bob-secret-key"));
        for (var i = 0; i < 4; i++) _shared.TryAdmit(Request(null));

        var result = RateLimitCommands.RateLimits(_table, null);

        Assert.Equal(OpsExitCodes.Ok, result.ExitCode);
        var table = Assert.Single(result.Frames);
        Assert.Equal(["route", "scope", "algorithm", "limit", "key", "keys", "admitted", "rejected", "share", "node-demand", "cluster-demand"],
            table.Columns!.Value.ToArray());
        var rows = table.Rows!.Value.Select(r => r.ToArray()).ToArray();
        Assert.Equal(["by-key", "node", "token-bucket", "2/60s", "header:X-Api-Key", "2", "3", "1", "-", "-", "-"], rows[0]);
        // One node: its share is the whole limit (10/s) until gossip moves it; burst 3 admits 3 of 4 at once.
        Assert.Equal(["shared", "cluster", "token-bucket", "10/1s burst 3", "route", "1", "3", "1", "10/s (100%)", "0/s", "0/s"], rows[1]);
    }

    [Fact]
    public void RateLimits_OneRoute_ListsItsKeys_HeaderValuesCut()
    {
        for (var i = 0; i < 3; i++) _byKey.TryAdmit(Request("alice-secret-key"));

        var result = RateLimitCommands.RateLimits(_table, "by-key");

        var keys = result.Frames.Single(f => f.Name == "keys");
        Assert.Equal(["key", "available", "admitted", "rejected"], keys.Columns!.Value.ToArray());
        Assert.Equal(["alic…", "0", "2", "1"], keys.Rows!.Value.Single().ToArray());
        Assert.DoesNotContain(result.Frames.SelectMany(f => f.Rows ?? []).SelectMany(r => r), c => c.Contains("secret"));
    }

    [Fact]
    public void RateLimits_ClusterRoute_ShowsShareAndDemandPerKey()
    {
        _shared.TryAdmit(Request(null));

        var keys = RateLimitCommands.RateLimits(_table, "shared").Frames.Single(f => f.Name == "keys");

        Assert.Equal(["key", "tokens", "share", "node-demand", "other-nodes-demand"], keys.Columns!.Value.ToArray());
        var row = keys.Rows!.Value.Single();
        Assert.Equal("(route)", row[0]);
        Assert.Equal("10/s", row[2]);
    }

    [Theory]
    [InlineData("open", "route 'open' has no rate limit")]
    [InlineData("nope", "no route 'nope'")]
    public void RateLimits_RouteWithoutLimitOrUnknown_Fails(string route, string message)
    {
        var result = RateLimitCommands.RateLimits(_table, route);
        Assert.Equal(OpsExitCodes.Failed, result.ExitCode);
        Assert.Contains(message, result.Frames[0].Message);
    }

    private static DefaultHttpContext Request(string? apiKey)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        if (apiKey is not null) context.Request.Headers["X-Api-Key"] = apiKey;
        return context;
    }

    public void Dispose()
    {
        _byKey.Dispose();
        _shared.Dispose();
    }
}
