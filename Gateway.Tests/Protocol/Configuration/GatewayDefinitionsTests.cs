using System.Text.Json.Nodes;
using Akka.Configuration;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Upstreams;
using Xunit;

namespace Gateway.Tests.Protocol.Configuration;

public sealed class GatewayDefinitionsTests
{
    private static (GatewayDefinitions Definitions, IReadOnlyList<Gateway.Protocol.Validation.ValidationError> Errors) Read(string hocon) =>
        GatewayDefinitions.FromConfig(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void FromConfig_FullModel_ReadsEveryField()
    {
        var (defs, errors) = Read("""
            gateway {
              upstreams = [ {
                name = catalog
                endpoints = [ { url = "http://127.0.0.1:9001", weight = 3 }, "http://127.0.0.1:9002" ]
                load-balancing = power-of-two-choices
                max-in-flight = 50
                max-queued = 0
                connect-timeout = 2s
                request-timeout = 1500ms
              } ]
              routes = [ {
                id = items
                hosts = [ "api.example.com", "*.example.net" ]
                methods = [ get, HEAD ]
                path = "/items/{id:int}"
                upstream = catalog
                order = 5
                timeout = 3s
                rewrite { template = "/v2/{id}" }
                request-headers {
                  add { X-A = "1" }
                  remove = [ Cookie ]
                }
                response-headers { remove = [ Server ] }
              } ]
            }
            """);
        Assert.Empty(errors);
        var upstream = Assert.Single(defs.Upstreams);
        Assert.Equal("catalog", upstream.Name);
        Assert.Equal(["http://127.0.0.1:9001", "http://127.0.0.1:9002"], upstream.Endpoints.Select(e => e.Url));
        Assert.Equal([3, 1], upstream.Endpoints.Select(e => e.Weight));
        Assert.Equal(LoadBalancingMode.PowerOfTwoChoices, upstream.LoadBalancing);
        Assert.Equal(50, upstream.MaxInFlight);
        Assert.Equal(0, upstream.MaxQueued);
        Assert.Equal(TimeSpan.FromSeconds(2), upstream.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), upstream.RequestTimeout);

        var route = Assert.Single(defs.Routes);
        Assert.Equal(["api.example.com", "*.example.net"], route.Hosts.AsEnumerable());
        Assert.Equal(["GET", "HEAD"], route.Methods.AsEnumerable());
        Assert.Equal(5, route.Order);
        Assert.Equal(TimeSpan.FromSeconds(3), route.Timeout);
        Assert.Equal("/v2/{id}", route.Rewrite!.Template);
        Assert.Equal("1", route.RequestHeaders.Add["x-a"]);
        Assert.Equal(["Cookie"], route.RequestHeaders.Remove.AsEnumerable());
        Assert.Equal(["Server"], route.ResponseHeaders.Remove.AsEnumerable());
    }

    [Fact]
    public void FromConfig_MinimalDefinitions_AreValid()
    {
        var (defs, errors) = Read("""gateway { upstreams = [ { name = u, endpoints = [ { url = "http://localhost:1" } ] } ], routes = [ { id = r, path = "/", upstream = u } ] }""");
        Assert.Empty(errors);
        Assert.Null(defs.Upstreams[0].MaxInFlight);
        Assert.Empty(defs.Routes[0].Methods);
    }

    [Theory]
    [InlineData("""routes = [ { id = r, path = "/a/{**b}/c", upstream = u } ]""", "gateway.routes[0].path", "catch-all must be last")]
    [InlineData("""routes = [ { id = r, path = "/a", upstream = x } ]""", "gateway.routes[0].upstream", "upstream 'x' does not exist")]
    [InlineData("""routes = [ { id = r, upstream = u } ]""", "gateway.routes[0].path", "is required")]
    [InlineData("""routes = [ { id = r, path = "/a", upstream = u, timeout = soon } ]""", "gateway.routes[0].timeout", "not a duration")]
    [InlineData("""routes = [ { id = r, path = "/a", upstream = u, pathh = "/b" } ]""", "gateway.routes[0].pathh", "unknown field")]
    [InlineData("""routes = [ { id = "bad id", path = "/a", upstream = u } ]""", "gateway.routes[0].id", "letters, digits")]
    [InlineData("""routes = [ { id = r, path = "/a/{x}", upstream = u, rewrite { template = "/b/{y}" } } ]""", "gateway.routes[0].rewrite.template", "'{y}' is not captured")]
    [InlineData("""routes = [ { id = r, path = "/a", upstream = u, methods = [ "GE T" ] } ]""", "gateway.routes[0].methods[0]", "not an HTTP method")]
    [InlineData("""routes = [ { id = r, path = "/a", upstream = u, hosts = [ "bad host!" ] } ]""", "gateway.routes[0].hosts[0]", "not a host name")]
    [InlineData("""routes = [ { id = r, path = "/a", upstream = u }, { id = r, path = "/b", upstream = u } ]""", "gateway.routes[1].id", "defined twice")]
    [InlineData("""routes = [ { id = r, path = "/a", upstream = u, rate-limit { limit = 5, scope = everywhere } } ]""", "gateway.routes[0].rate-limit.scope", "not one of node, cluster")]
    [InlineData("""routes = [ { id = r, path = "/a", upstream = u, rate-limit { limit = 5, key = cookie } } ]""", "gateway.routes[0].rate-limit.key", "client-ip, route, header:NAME")]
    [InlineData("""routes = [ { id = r, path = "/a", upstream = u, rate-limit { key = route } } ]""", "gateway.routes[0].rate-limit.limit", "is required")]
    public void FromConfig_InvalidRoute_NamesTheField(string routes, string field, string message)
    {
        var (_, errors) = Read($$"""gateway { upstreams = [ { name = u, endpoints = [ { url = "http://localhost:1" } ] } ], {{routes}} }""");
        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(message));
    }

    [Theory]
    [InlineData("""{ name = u, endpoints = [ ] }""", "gateway.upstreams[0].endpoints", "at least one endpoint")]
    [InlineData("""{ name = u, endpoints = [ { url = "ftp://x" } ] }""", "gateway.upstreams[0].endpoints[0].url", "not an absolute http")]
    [InlineData("""{ name = u, endpoints = [ { url = "http://x", weight = 0 } ] }""", "gateway.upstreams[0].endpoints[0].weight", "between 1 and 1000")]
    [InlineData("""{ name = u, endpoints = [ "http://x" ], max-in-flight = 0 }""", "gateway.upstreams[0].max-in-flight", "at least 1")]
    [InlineData("""{ name = u, endpoints = [ "http://x" ], max-queued = lots }""", "gateway.upstreams[0].max-queued", "whole number")]
    [InlineData("""{ name = u, endpoints = [ "http://x" ], load-balancing = random }""", "gateway.upstreams[0].load-balancing", "round-robin")]
    [InlineData("""{ endpoints = [ "http://x" ] }""", "gateway.upstreams[0].name", "is required")]
    [InlineData("""{ name = u, endpoints = [ "http://x" ], circuit-breaker { consecutive-failures = 0 } }""", "gateway.upstreams[0].circuit-breaker.consecutive-failures", "at least 1")]
    [InlineData("""{ name = u, endpoints = [ "http://x" ], circuit-breaker { failure-ratio = 2 } }""", "gateway.upstreams[0].circuit-breaker.failure-ratio", "from 0 to 1")]
    [InlineData("""{ name = u, endpoints = [ "http://x" ], health-check { path = "health" } }""", "gateway.upstreams[0].health-check.path", "starting with '/'")]
    [InlineData("""{ name = u, endpoints = [ "http://x" ], health-check { interval = 5s } }""", "gateway.upstreams[0].health-check.path", "is required")]
    [InlineData("""{ name = u, endpoints = [ "http://x" ], retry { attempts = 0 } }""", "gateway.upstreams[0].retry.attempts", "between 1 and 10")]
    public void FromConfig_InvalidUpstream_NamesTheField(string upstream, string field, string message)
    {
        var (_, errors) = Read($$"""gateway { upstreams = [ {{upstream}} ] }""");
        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(message));
    }

    [Fact]
    public void FromConfig_SeveralErrors_ReportsAllOfThem()
    {
        var (_, errors) = Read("""gateway { upstreams = [ { name = u, endpoints = [ "nope" ], max-in-flight = -1 } ], routes = [ { id = r, path = "x", upstream = v } ] }""");
        Assert.True(errors.Count >= 4, string.Join("; ", errors));
    }

    [Fact]
    public void ReadRoute_Json_CamelCaseNamesInErrors()
    {
        var reader = new DefinitionReader(kebabCase: false);
        var route = reader.ReadRoute(JsonNode.Parse("""{ "id": "r", "path": "/a", "upstream": "u", "requestHeaders": { "add": { "X-A": "1" } }, "timeout": 5 }"""), "");
        Assert.Empty(reader.Errors);
        Assert.Equal(TimeSpan.FromMilliseconds(5), route!.Timeout);
        reader.ReadUpstream(JsonNode.Parse("""{ "name": "u", "endpoints": [ { "url": "http://x" } ], "maxInFlight": "x" }"""), "");
        Assert.Contains(reader.Errors, e => e.Field == "maxInFlight");
    }

    [Fact]
    public void SampleFiles_InHoconFolder_AreValid()
    {
        foreach (var file in new[] { "routes.sample.conf", "node.sample.conf" })
        {
            // node.sample.conf takes its echo port from the layers above it, as the loader gives it.
            var text = "gateway.sample.echo-port = 8090\n" + File.ReadAllText(Path.Combine(RepoRoot(), "hocon", file));
            var (defs, errors) = GatewayDefinitions.FromConfig(ConfigurationFactory.ParseString(text));
            Assert.True(errors.Count == 0, $"{file}: {string.Join("; ", errors)}");
            Assert.NotEmpty(defs.Routes);
        }
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Gateway.sln not found above the test binaries");
    }
}
