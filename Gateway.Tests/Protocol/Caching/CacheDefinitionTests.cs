using Akka.Configuration;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Serialization;
using Xunit;

namespace Gateway.Tests.Protocol.Caching;

/// <summary>The route's cache section read from HOCON and JSON, validated with field paths, and written back in full.</summary>
public sealed class CacheDefinitionTests
{
    private static (GatewayDefinitions Definitions, IReadOnlyList<Gateway.Protocol.Validation.ValidationError> Errors) Read(string route) =>
        GatewayDefinitions.FromConfig(ConfigurationFactory.ParseString(
            $$"""gateway { upstreams = [ { name = u, endpoints = [ "http://localhost:1" ] } ], routes = [ {{route}} ] }"""));

    [Fact]
    public void FromConfig_CacheSection_ReadsEveryField()
    {
        var (definitions, errors) = Read("""
            { id = r, path = "/a", upstream = u
              cache { key = [host, path, "header:Accept-Language"], default-ttl = 30s, max-body-size = 512KiB, allow-set-cookie = on, cluster = off } }
            """);
        Assert.Empty(errors);
        var cache = definitions.Routes[0].Cache!;
        Assert.Equal(["host", "path", "header:Accept-Language"], cache.Key.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(30), cache.DefaultTtl);
        Assert.Equal(512 * 1024, cache.MaxBodySize);
        Assert.True(cache.AllowSetCookie);
        Assert.False(cache.Cluster);
    }

    [Fact]
    public void FromConfig_EmptyCacheSection_UsesTheDefaults()
    {
        var (definitions, errors) = Read("""{ id = r, path = "/a", upstream = u, cache { } }""");
        Assert.Empty(errors);
        var cache = definitions.Routes[0].Cache!;
        Assert.True(cache.Key.IsEmpty);
        Assert.Null(cache.DefaultTtl);
        Assert.Null(cache.MaxBodySize);
        Assert.False(cache.AllowSetCookie);
        Assert.True(cache.Cluster);
    }

    [Theory]
    [InlineData("""cache { key = [path, cookie] }""", "gateway.routes[0].cache.key[1]", "not one of host, path, query, method, header:NAME")]
    [InlineData("""cache { key = ["header:bad name"] }""", "gateway.routes[0].cache.key[0]", "header:NAME")]
    [InlineData("""cache { default-ttl = 0s }""", "gateway.routes[0].cache.default-ttl", "greater than zero")]
    [InlineData("""cache { max-body-size = 1GiB }""", "gateway.routes[0].cache.max-body-size", "between 0 and")]
    [InlineData("""cache { ttl = 5s }""", "gateway.routes[0].cache.ttl", "unknown field")]
    [InlineData("""cache { shared-across-identities = on }""", "gateway.routes[0].cache.shared-across-identities", "only to a route with an auth policy")]
    [InlineData("""cache { shared-across-identities = maybe }""", "gateway.routes[0].cache.shared-across-identities", "")]
    [InlineData("""cache { identity-claim = tenant }""", "gateway.routes[0].cache.identity-claim", "only to a route with an auth policy")]
    [InlineData("""auth = keys, cache { identity-claim = "a b" }""", "gateway.routes[0].cache.identity-claim", "without spaces")]
    [InlineData("""auth = keys, cache { identity-claim = tenant, shared-across-identities = on }""", "gateway.routes[0].cache.identity-claim", "cannot be set together with shared-across-identities")]
    public void FromConfig_InvalidCache_NamesTheField(string cache, string field, string message)
    {
        var (_, errors) = Read($$"""{ id = r, path = "/a", upstream = u, {{cache}} }""");
        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(message));
    }

    [Fact]
    public void Json_RoundTrip_KeepsTheCacheSection()
    {
        var (definitions, _) = Read("""{ id = r, path = "/a", upstream = u, cache { key = [path], default-ttl = 2m, max-body-size = 1024, cluster = off } }""");
        var json = DefinitionJson.ToJson(definitions.Routes[0]);
        Assert.Equal("""{"key":["path"],"defaultTtl":"120000ms","maxBodySize":1024,"allowSetCookie":false,"cluster":false,"sharedAcrossIdentities":false}""", json["cache"]!.ToJsonString());
        var back = DefinitionJson.ReadRoute(json).Cache!;
        Assert.Equal((TimeSpan.FromMinutes(2), 1024L, false), (back.DefaultTtl, back.MaxBodySize, back.Cluster));
        Assert.Equal(DefinitionJson.Shape(definitions.Routes[0]), DefinitionJson.Shape(DefinitionJson.ReadRoute(json)));
    }

    [Fact]
    public void IdentityFields_AreRead_AndReplicateThroughJson()
    {
        var (definitions, errors) = Read("""
            { id = r, path = "/a", upstream = u, auth = keys, cache { default-ttl = 1h, identity-claim = tenant } }
            """);
        Assert.Empty(errors);
        var (shared, sharedErrors) = Read("""
            { id = r, path = "/a", upstream = u, auth = keys, cache { shared-across-identities = on } }
            """);
        Assert.Empty(sharedErrors);
        Assert.True(shared.Routes[0].Cache!.SharedAcrossIdentities);
        Assert.False(definitions.Routes[0].Cache!.SharedAcrossIdentities);

        var json = DefinitionJson.ToJson(definitions.Routes[0]);
        Assert.Equal("tenant", json["cache"]!["identityClaim"]!.GetValue<string>());
        Assert.Equal("tenant", DefinitionJson.ReadRoute(json).Cache!.IdentityClaim);
        var sharedJson = DefinitionJson.ToJson(shared.Routes[0]);
        Assert.True(sharedJson["cache"]!["sharedAcrossIdentities"]!.GetValue<bool>());
        Assert.True(DefinitionJson.ReadRoute(sharedJson).Cache!.SharedAcrossIdentities);
        Assert.Equal(DefinitionJson.Shape(shared.Routes[0]), DefinitionJson.Shape(DefinitionJson.ReadRoute(sharedJson)));
    }
}
