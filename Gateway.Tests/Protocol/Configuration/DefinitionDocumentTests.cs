using Gateway.Protocol.Configuration;
using Xunit;

namespace Gateway.Tests.Protocol.Configuration;

public sealed class DefinitionDocumentTests
{
    [Fact]
    public void Hocon_UnderGateway_ReadsUpstreamsAndRoutes()
    {
        var document = DefinitionDocument.Parse("routes.conf", """
            gateway {
              upstreams = [ { name = u, endpoints = [ "http://10.0.0.5:80" ] } ]
              routes = [ { id = a, path = "/a/{**rest}", upstream = u, rate-limit { limit = 5 } } ]
            }
            """);

        Assert.Empty(document.Validate([]));
        Assert.Equal("u", Assert.Single(document.Definitions.Upstreams).Name);
        Assert.Equal(5, Assert.Single(document.Definitions.Routes).RateLimit!.Limit);
    }

    [Fact]
    public void Hocon_AtTheRoot_RouteOntoAnUpstreamTheClusterHas_IsValid()
    {
        var document = DefinitionDocument.Parse("r.conf", """routes = [ { id = a, path = "/a", upstream = existing } ]""");

        Assert.Empty(document.Validate(["existing"]));
        Assert.Equal(["routes[0].upstream: upstream 'existing' does not exist"], document.Validate([]).Select(e => e.ToString()));
    }

    [Fact]
    public void Hocon_Invalid_ReportsEveryErrorWithItsHoconPath()
    {
        var document = DefinitionDocument.Parse("bad.conf", """
            gateway.routes = [
              { id = a, path = "/a/{**b}/c", upstream = x }
              { id = b, path = "/b", upstream = x, max-request-body-size = lots }
            ]
            """);

        var errors = document.Validate([]).Select(e => e.Field).ToArray();
        Assert.Contains("gateway.routes[0].path", errors);
        Assert.Contains("gateway.routes[0].upstream", errors);
        Assert.Contains("gateway.routes[1].max-request-body-size", errors);
    }

    [Fact]
    public void Json_ObjectOrArrayOfRoutes_ErrorsNamedInCamelCase()
    {
        var document = DefinitionDocument.Parse("r.json", """{"upstreams":[{"name":"u","endpoints":["http://10.0.0.5"]}],"routes":[{"id":"a","path":"/a","upstream":"u"}]}""");
        Assert.Empty(document.Validate([]));

        var array = DefinitionDocument.Parse("stdin", """[{"id":"a","path":"/a","upstream":"u","maxRequestBodySize":"lots"}]""");
        Assert.Equal(["routes[0].maxRequestBodySize"], array.Validate(["u"]).Select(e => e.Field));
    }

    [Theory]
    [InlineData("x.conf", "gateway { routes = [ ")]
    [InlineData("x.json", "{\"routes\": [")]
    [InlineData("x.conf", "nothing = here")]
    public void Unreadable_OrEmpty_IsOneError(string name, string text)
    {
        var error = Assert.Single(DefinitionDocument.Parse(name, text).Validate([]));
        Assert.NotEmpty(error.Message);
    }
}
