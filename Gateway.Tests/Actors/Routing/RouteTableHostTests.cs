using Xunit;
using Gateway.Actors.Routing;
using static Gateway.Tests.Actors.Routing.TestRoutes;

namespace Gateway.Tests.Actors.Routing;

public sealed class RouteTableHostTests
{
    private static readonly RouteTable<string> Table = Compile(
        new Route("any-items", "/items"),
        new Route("any-health", "/health"),
        new Route("any-orders", "/orders/{id}"),
        new Route("exact-items", "/items", Hosts: "api.example.com"),
        new Route("exact-orders-get", "/orders/{id}", Hosts: "api.example.com", Methods: "GET"),
        new Route("wild-items", "/items", Hosts: "*.example.com"),
        new Route("wild-deep-items", "/items", Hosts: "*.eu.example.com"),
        new Route("wild-only", "/wild", Hosts: "*.example.com"),
        new Route("multi", "/multi", Hosts: "a.test, b.test"),
        new Route("star", "/star", Hosts: "*"),
        new Route("v6", "/v6", Hosts: "[::1]"));

    public static TheoryData<string, string, string, string> Requests => new()
    {
        // Exact beats wildcard beats any; port, case and a trailing dot are ignored.
        { "api.example.com", "GET", "/items", "exact-items" },
        { "API.Example.COM:8443", "GET", "/items", "exact-items" },
        { "api.example.com.", "GET", "/items", "exact-items" },
        { "web.example.com", "GET", "/items", "wild-items" },
        { "a.b.example.com", "GET", "/items", "wild-items" },
        { "example.com", "GET", "/items", "any-items" },
        { "other.org", "GET", "/items", "any-items" },
        { "", "GET", "/items", "any-items" },

        // The longer wildcard suffix wins.
        { "fr.eu.example.com", "GET", "/items", "wild-deep-items" },
        { "eu.example.com", "GET", "/items", "wild-items" },

        // Fall-through: a specific bucket without the path, or without the method, defers to the next one.
        { "api.example.com", "GET", "/health", "any-health" },
        { "api.example.com", "GET", "/wild", "wild-only" },
        { "api.example.com", "GET", "/orders/7", "exact-orders-get id=7" },
        { "api.example.com", "DELETE", "/orders/7", "any-orders id=7" },
        { "example.com", "GET", "/wild", "404" },

        // Several hosts on one route; '*' means any host; IPv6 literal with port.
        { "a.test", "GET", "/multi", "multi" },
        { "B.TEST:80", "GET", "/multi", "multi" },
        { "c.test", "GET", "/multi", "404" },
        { "whatever", "GET", "/star", "star" },
        { "[::1]:5000", "GET", "/v6", "v6" },
        { "[::2]:5000", "GET", "/v6", "404" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void TryMatch_Host_MatchesExpectedRoute(string host, string method, string path, string expected) =>
        Assert.Equal(expected, Lookup(Table, host, method, path));

    [Fact]
    public void TryMatch_MethodMissingInExactHostAndNoFallback_ReturnsMethodNotAllowed()
    {
        var table = Compile(
            new Route("exact", "/orders", Hosts: "api.example.com", Methods: "GET"),
            new Route("wild", "/orders", Hosts: "*.example.com", Methods: "POST"),
            new Route("other-host", "/orders", Hosts: "other.example.org", Methods: "DELETE"));

        Assert.Equal("405 GET,POST", Lookup(table, "api.example.com", "PUT", "/orders"));
        Assert.Equal("wild", Lookup(table, "api.example.com", "POST", "/orders"));
        Assert.Equal("404", Lookup(table, "example.com", "PUT", "/orders"));
    }
}
