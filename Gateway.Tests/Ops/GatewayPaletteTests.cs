using System.Collections.Immutable;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Ops;
using Gateway.Actors.Routing;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Ops;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Xunit;

namespace Gateway.Tests.Ops;

public sealed class GatewayPaletteTests
{
    private static readonly UpstreamDefaults Defaults = UpstreamDefaults.FromConfig(Gateway.Actors.GatewayDefaults.Config) with { MaxInFlight = 64, MaxQueued = 32 };

    private readonly ImmutableDictionary<string, UpstreamRuntime> _upstreams;
    private readonly RouteTable<CompiledRoute> _table;

    public GatewayPaletteTests()
    {
        var orders = new UpstreamDefinition
        {
            Name = "orders",
            Endpoints = [new EndpointDefinition { Url = "http://10.0.0.5:8080", Weight = 3 }, new EndpointDefinition { Url = "http://10.0.0.6:8080/" }],
            LoadBalancing = LoadBalancingMode.Weighted,
            MaxInFlight = 10,
        };
        var users = new UpstreamDefinition { Name = "users", Endpoints = [new EndpointDefinition { Url = "http://10.0.0.9:80" }] };
        _upstreams = new[] { orders, users }.ToImmutableDictionary(u => u.Name,
            u => new UpstreamRuntime(u, Defaults, new HttpMessageInvoker(new SocketsHttpHandler())));
        var definitions = GatewayDefinitions.Empty with
        {
            Upstreams = [orders, users],
            Routes =
            [
                new RouteDefinition { Id = "users", Path = "/users/{id:int}", Upstream = "users", Version = 2 },
                new RouteDefinition
                {
                    Id = "orders", Path = "/api/orders/{**rest}", Upstream = "orders", Hosts = ["api.example.com", "*.example.org"],
                    Methods = ["GET", "POST"], Rewrite = new RouteRewrite { StripPrefix = "/api" }, Timeout = TimeSpan.FromSeconds(2), Version = 7,
                },
            ],
        };
        (_table, _) = RouteTableActor.Compile(definitions, _upstreams, new Dictionary<string, Gateway.Actors.RateLimiting.IRouteRateLimiter>());
    }

    [Fact]
    public void Routes_ListsEveryRouteById()
    {
        var table = Assert.Single(GatewayPalette.Routes(_table, null).Frames);
        Assert.Equal(["id", "hosts", "methods", "path", "upstream", "version"], table.Columns!.Value.ToArray());
        Assert.Equal(
        [
            ["orders", "api.example.com,*.example.org", "GET,POST", "/api/orders/{**rest}", "orders", "7"],
            ["users", "*", "*", "/users/{id:int}", "users", "2"],
        ], table.Rows!.Value.Select(r => r.ToArray()));
    }

    [Fact]
    public void Routes_WithId_ShowsTheRoutesFields()
    {
        var result = GatewayPalette.Routes(_table, "orders");
        var fields = result.Frames.Single().Rows!.Value.ToDictionary(r => r[0], r => r[1]);
        Assert.Equal("strip-prefix /api", fields["rewrite"]);
        Assert.Equal("2s", fields["timeout"]);
        Assert.Equal("7", fields["version"]);
        Assert.Equal(OpsExitCodes.Ok, result.ExitCode);
    }

    [Fact]
    public void Routes_UnknownId_Fails()
    {
        var result = GatewayPalette.Routes(_table, "nope");
        Assert.Equal(OpsExitCodes.Failed, result.ExitCode);
        Assert.Contains("no route 'nope'", result.Frames[0].Message);
    }

    [Fact]
    public void Routes_EmptyTable_IsAnEmptyTable()
    {
        var table = GatewayPalette.Routes(RouteTable<CompiledRoute>.Empty, null).Frames.Single();
        Assert.Empty(table.Rows!.Value);
    }

    [Fact]
    public void Upstreams_ShowBalancingLimitsAndLiveEndpointCounters()
    {
        var orders = _upstreams["orders"];
        orders.Endpoints[0].Enter();
        orders.Endpoints[0].Enter();
        orders.Endpoints[1].Enter();

        var result = GatewayPalette.Upstreams(_upstreams.Values.ToArray(), null);
        var summary = result.Frames[0];
        Assert.Equal("upstreams", summary.Name);
        Assert.Equal(["orders", "weighted", "2", "3", "0", "10", "32"], summary.Rows!.Value[0].ToArray());
        Assert.Equal(["users", "round-robin", "1", "0", "0", "64", "32"], summary.Rows!.Value[1].ToArray());
        var endpoints = result.Frames[1];
        Assert.Equal(["upstream", "url", "weight", "in-flight", "breaker", "healthy"], endpoints.Columns!.Value.ToArray());
        Assert.Equal(
        [
            ["orders", "http://10.0.0.5:8080", "3", "2", "closed", "yes"],
            ["orders", "http://10.0.0.6:8080", "1", "1", "closed", "yes"],
            ["users", "http://10.0.0.9:80", "1", "0", "closed", "yes"],
        ], endpoints.Rows!.Value.Select(r => r.ToArray()));
    }

    [Fact]
    public void Upstreams_WithName_ShowsOnlyThatUpstream_AndFailsForAnUnknownOne()
    {
        var result = GatewayPalette.Upstreams(_upstreams.Values.ToArray(), "users");
        Assert.Equal(["users"], result.Frames[0].Rows!.Value.Select(r => r[0]));
        Assert.Equal(OpsExitCodes.Failed, GatewayPalette.Upstreams(_upstreams.Values.ToArray(), "nope").ExitCode);
    }

    [Fact]
    public void Breakers_ShowEachEndpointsStateAndWhetherItTakesTraffic()
    {
        _upstreams["orders"].Endpoints[1].Trip();
        var table = GatewayPalette.Breakers(_upstreams.Values.ToArray()).Frames.Single();
        Assert.Equal(["upstream", "endpoint", "breaker", "healthy", "trips", "available"], table.Columns!.Value.ToArray());
        Assert.Equal(
        [
            ["orders", "http://10.0.0.5:8080", "closed", "yes", "0", "yes"],
            ["orders", "http://10.0.0.6:8080", "open", "yes", "1", "no"],
            ["users", "http://10.0.0.9:80", "closed", "yes", "0", "yes"],
        ], table.Rows!.Value.Select(r => r.ToArray()));
    }

    [Fact]
    public void Stats_ShowsEachWindowAndTheCurrentLoad()
    {
        var windows = new[]
        {
            new RequestStatsSnapshot(10, 250, 5, TimeSpan.FromMilliseconds(1.5), TimeSpan.FromMilliseconds(40)),
            new RequestStatsSnapshot(60, 0, 0, null, null),
        };
        var result = GatewayPalette.Stats(windows, _upstreams.Values.ToArray());
        Assert.Equal(["window", "requests", "req/s", "errors", "p50 ms", "p99 ms"], result.Frames[0].Columns!.Value.ToArray());
        Assert.Equal(["10s", "250", "25", "5", "1.5", "40"], result.Frames[0].Rows!.Value[0].ToArray());
        Assert.Equal(["60s", "0", "0", "0", "-", "-"], result.Frames[0].Rows!.Value[1].ToArray());
        Assert.Equal("now: 0 in flight, 0 queued across 2 upstreams", result.Frames[1].Text);
    }
}
