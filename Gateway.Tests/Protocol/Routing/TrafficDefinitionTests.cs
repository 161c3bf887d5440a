using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Serialization;
using Gateway.Protocol.Upstreams;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Protocol.Routing;

/// <summary>The traffic sections of routes (match, backends, sticky, fallback, cache stale-if-error) and the consistent-hash upstream.</summary>
public sealed class TrafficDefinitionTests
{
    private const string Upstreams = """upstreams = [ { name = v1, endpoints = [ "http://localhost:1" ] }, { name = v2, endpoints = [ "http://localhost:2" ] } ]""";

    private static (GatewayDefinitions Definitions, IReadOnlyList<Gateway.Protocol.Validation.ValidationError> Errors) Read(string hocon) =>
        GatewayDefinitions.FromConfig(ConfigurationFactory.ParseString(hocon));

    internal static readonly RouteDefinition SplitRoute = new()
    {
        Id = "orders",
        Path = "/orders/{**rest}",
        Match = new RouteMatchDefinition
        {
            Headers = [new MatchCondition { Name = "X-Canary", Value = "always" }, new MatchCondition { Name = "X-Trace", Present = true }],
            Query = [new MatchCondition { Name = "beta", Regex = "^(1|yes)$" }],
            Cookies = [new MatchCondition { Name = "canary", Value = "1" }],
        },
        Backends = [new BackendDefinition { Upstream = "v1", Weight = 90 }, new BackendDefinition { Upstream = "v2", Weight = 10 }],
        Sticky = new StickyDefinition { Key = "header:X-User" },
        Fallback = new FallbackDefinition
        {
            Status = 200, ContentType = "application/json", Body = """{"degraded":true}""", On = [FallbackReason.Unavailable, FallbackReason.Timeout],
        },
        Cache = new Gateway.Protocol.Caching.CacheDefinition { DefaultTtl = TimeSpan.FromSeconds(5), StaleIfError = TimeSpan.FromMinutes(10) },
        Version = 4,
    };

    internal static readonly UpstreamDefinition HashUpstream = new()
    {
        Name = "ring", Endpoints = [new EndpointDefinition { Url = "http://a:1" }], LoadBalancing = LoadBalancingMode.ConsistentHash, HashKey = "cookie:session",
    };

    [Fact]
    public void FromConfig_KebabCaseTrafficSections_ReadEveryField()
    {
        var (defs, errors) = Read($$"""
            gateway {
              {{Upstreams}}
              routes = [ {
                id = orders
                path = "/orders/{**rest}"
                match {
                  headers = [ { name = X-Canary, value = always }, { name = X-Trace, present = true } ]
                  query = [ { name = beta, regex = "^(1|yes)$" } ]
                  cookies = [ { name = canary, value = "1" } ]
                }
                backends = [ { upstream = v1, weight = 90 }, { upstream = v2, weight = 10 } ]
                sticky { key = "header:X-User" }
                fallback { status = 200, content-type = "application/json", body = "{\"degraded\":true}", on = [ unavailable, timeout ] }
                cache { default-ttl = 5s, stale-if-error = 10m }
              } ]
            }
            """);
        Assert.Empty(errors);
        var route = Assert.Single(defs.Routes);
        Assert.Equal(DefinitionJson.ToJson(SplitRoute with { Version = 0 }).ToJsonString(), DefinitionJson.ToJson(route).ToJsonString());
        Assert.Equal("", route.Upstream);
        Assert.Equal(["v1", "v2"], route.UpstreamNames());
        Assert.Equal(4, route.Match!.Count);
    }

    [Fact]
    public void ReadRoute_CamelCaseJson_ReadsTheSameModel()
    {
        var reader = new DefinitionReader(kebabCase: false);
        var route = reader.ReadRoute(JsonNode.Parse("""
            { "id": "orders", "path": "/orders/{**rest}",
              "match": { "headers": [ { "name": "X-Canary", "value": "always" }, { "name": "X-Trace", "present": true } ],
                         "query": [ { "name": "beta", "regex": "^(1|yes)$" } ], "cookies": [ { "name": "canary", "value": "1" } ] },
              "backends": [ { "upstream": "v1", "weight": 90 }, { "upstream": "v2", "weight": 10 } ],
              "sticky": { "key": "header:X-User" },
              "fallback": { "status": 200, "contentType": "application/json", "body": "{\"degraded\":true}", "on": [ "unavailable", "timeout" ] },
              "cache": { "defaultTtl": "5s", "staleIfError": "10m" }, "version": 4 }
            """), "");
        Assert.Empty(reader.Errors);
        Assert.Equal(DefinitionJson.ToJson(SplitRoute).ToJsonString(), DefinitionJson.ToJson(route!).ToJsonString());
    }

    [Fact]
    public void GatewaySerializer_RoundTrip_KeepsTheTrafficSections()
    {
        using var system = NodeSerializationSystem.Create("traffic-serialization");
        var serializer = new GatewaySerializer((ExtendedActorSystem)system);

        var back = ((RouteUpserted)serializer.FromBinary(serializer.ToBinary(new RouteUpserted(SplitRoute)), "route-upserted")).Route;

        Assert.Equal(SplitRoute.Match, back.Match);
        Assert.Equal(SplitRoute.Backends.AsEnumerable(), back.Backends.AsEnumerable());
        Assert.Equal(SplitRoute.Sticky, back.Sticky);
        Assert.Equal(SplitRoute.Fallback, back.Fallback);
        Assert.Equal(TimeSpan.FromMinutes(10), back.Cache!.StaleIfError);
        var upstreamBack = (UpstreamDefinition)serializer.FromBinary(serializer.ToBinary(HashUpstream), "upstream");
        Assert.Equal((LoadBalancingMode?)LoadBalancingMode.ConsistentHash, upstreamBack.LoadBalancing);
        Assert.Equal("cookie:session", upstreamBack.HashKey);
        system.Terminate().Wait(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void FromConfig_ConsistentHashUpstream_ReadsModeAndKey()
    {
        var (defs, errors) = Read("""gateway { upstreams = [ { name = u, endpoints = [ "http://x" ], load-balancing = consistent-hash, hash-key = "header:X-User" } ] }""");
        Assert.Empty(errors);
        Assert.Equal((LoadBalancingMode?)LoadBalancingMode.ConsistentHash, defs.Upstreams[0].LoadBalancing);
        Assert.Equal("header:X-User", defs.Upstreams[0].HashKey);
    }

    [Theory]
    [InlineData("both upstream and backends", """upstream = v1, backends = [ { upstream = v2 } ]""", "gateway.routes[0].backends", "either upstream or backends")]
    [InlineData("neither upstream nor backends", """order = 1""", "gateway.routes[0].upstream", "is required")]
    [InlineData("backend upstream unknown", """backends = [ { upstream = v9, weight = 5 } ]""", "gateway.routes[0].backends[0].upstream", "upstream 'v9' does not exist")]
    [InlineData("backend listed twice", """backends = [ { upstream = v1 }, { upstream = v1 } ]""", "gateway.routes[0].backends[1].upstream", "listed twice")]
    [InlineData("backend weight negative", """backends = [ { upstream = v1, weight = -1 }, { upstream = v2 } ]""", "gateway.routes[0].backends[0].weight", "between 0 and 10000")]
    [InlineData("all weights zero", """backends = [ { upstream = v1, weight = 0 } ]""", "gateway.routes[0].backends", "weight above 0")]
    [InlineData("backend without upstream", """backends = [ { weight = 3 } ]""", "gateway.routes[0].backends[0].upstream", "is required")]
    [InlineData("backends not a list", """backends = v1""", "gateway.routes[0].backends", "must be a list")]
    [InlineData("sticky without backends", """upstream = v1, sticky { key = client-ip }""", "gateway.routes[0].sticky", "needs backends")]
    [InlineData("sticky key unknown", """backends = [ { upstream = v1 } ], sticky { key = "query:user" }""", "gateway.routes[0].sticky.key", "header:NAME, cookie:NAME, client-ip")]
    [InlineData("sticky key missing", """backends = [ { upstream = v1 } ], sticky { }""", "gateway.routes[0].sticky.key", "is required")]
    [InlineData("condition with two kinds", """upstream = v1, match { headers = [ { name = X-A, value = a, present = true } ] }""", "gateway.routes[0].match.headers[0]", "exactly one of value, regex or present")]
    [InlineData("condition with no kind", """upstream = v1, match { query = [ { name = beta } ] }""", "gateway.routes[0].match.query[0]", "exactly one of value, regex or present")]
    [InlineData("condition without name", """upstream = v1, match { cookies = [ { value = "1" } ] }""", "gateway.routes[0].match.cookies[0].name", "is required")]
    [InlineData("header name not a token", """upstream = v1, match { headers = [ { name = "X A", value = a } ] }""", "gateway.routes[0].match.headers[0].name", "not a valid header name")]
    [InlineData("regex does not compile", """upstream = v1, match { headers = [ { name = X-A, regex = "(" } ] }""", "gateway.routes[0].match.headers[0].regex", "not a valid regular expression")]
    [InlineData("unknown match list", """upstream = v1, match { params = [ ] }""", "gateway.routes[0].match.params", "unknown field")]
    [InlineData("unknown condition field", """upstream = v1, match { headers = [ { name = X-A, equals = a } ] }""", "gateway.routes[0].match.headers[0].equals", "unknown field")]
    [InlineData("fallback status out of range", """upstream = v1, fallback { status = 99 }""", "gateway.routes[0].fallback.status", "between 200 and 599")]
    [InlineData("fallback body and file", """upstream = v1, fallback { body = a, body-file = "/tmp/x" }""", "gateway.routes[0].fallback", "either body or body-file")]
    [InlineData("fallback reason unknown", """upstream = v1, fallback { on = [ unavailable, overload ] }""", "gateway.routes[0].fallback.on[1]", "not one of unavailable, shed, timeout, error")]
    [InlineData("fallback content type empty", """upstream = v1, fallback { content-type = "" }""", "gateway.routes[0].fallback.content-type", "media type")]
    [InlineData("stale-if-error zero", """upstream = v1, cache { stale-if-error = 0s }""", "gateway.routes[0].cache.stale-if-error", "greater than zero")]
    public void FromConfig_InvalidTrafficSection_NamesTheField(string name, string fields, string field, string message)
    {
        _ = name;
        var (_, errors) = Read($$"""gateway { {{Upstreams}}, routes = [ { id = r, path = "/a", {{fields}} } ] }""");
        Assert.True(errors.Any(e => e.Field == field && e.Message.Contains(message)), string.Join("; ", errors));
    }

    [Theory]
    [InlineData("consistent-hash without key", """load-balancing = consistent-hash""", "gateway.upstreams[0].hash-key", "is required with load-balancing = consistent-hash")]
    [InlineData("hash key unknown kind", """load-balancing = consistent-hash, hash-key = "path" """, "gateway.upstreams[0].hash-key", "header:NAME, cookie:NAME")]
    [InlineData("hash key without consistent-hash", """load-balancing = round-robin, hash-key = client-ip""", "gateway.upstreams[0].hash-key", "only with load-balancing = consistent-hash")]
    public void FromConfig_InvalidHashKey_NamesTheField(string name, string fields, string field, string message)
    {
        _ = name;
        var (_, errors) = Read($$"""gateway { upstreams = [ { name = u, endpoints = [ "http://x" ], {{fields}} } ] }""");
        Assert.True(errors.Any(e => e.Field == field && e.Message.Contains(message)), string.Join("; ", errors));
    }

    [Fact]
    public void ReadRoute_Json_NamesFieldsInCamelCase()
    {
        var reader = new DefinitionReader(kebabCase: false);
        var route = reader.ReadRoute(JsonNode.Parse("""{ "id": "r", "path": "/a", "upstream": "v1", "fallback": { "contentType": "" }, "cache": { "staleIfError": "0s" } }"""), "");
        Assert.Empty(reader.Errors);
        var errors = Gateway.Protocol.Validation.DefinitionValidator.ValidateRoute(route!, _ => true);
        Assert.Contains(errors, e => e.Field == "fallback.contentType");
        Assert.Contains(errors, e => e.Field == "cache.staleIfError");
    }
}
