using Xunit;
using Gateway.Actors.Routing;
using static Gateway.Tests.Actors.Routing.TestRoutes;

namespace Gateway.Tests.Actors.Routing;

public sealed class RouteTableMethodTests
{
    private static readonly RouteTable<string> Table = Compile(
        new Route("list", "/orders", Methods: "GET"),
        new Route("create", "/orders", Methods: "post"),
        new Route("get", "/orders/{id:int}", Methods: "GET,HEAD"),
        new Route("by-name-delete", "/orders/{name}", Methods: "DELETE"),
        new Route("orders-any", "/orders/{**rest}"),
        new Route("report-get", "/reports/{id}", Methods: "GET"),
        new Route("report-fallback", "/reports/{id}"),
        new Route("report-static", "/reports/daily", Methods: "POST"),
        new Route("only-put", "/config", Methods: "PUT"),
        new Route("only-put-too", "/config", Methods: "PATCH"),
        new Route("deep-get", "/x/{a}/y", Methods: "GET"),
        new Route("deep-post", "/x/b/{c}", Methods: "POST"));

    public static TheoryData<string, string, string> Requests => new()
    {
        { "GET", "/orders", "list" },
        { "get", "/orders", "list" },
        { "POST", "/orders", "create" },
        { "PUT", "/orders", "orders-any rest=" },

        // A method mismatch at the best node backtracks to lower-priority alternatives.
        { "HEAD", "/orders/5", "get id=5" },
        { "DELETE", "/orders/5", "by-name-delete name=5" },
        { "PATCH", "/orders/5", "orders-any rest=5" },

        // Routes naming methods come before method-less ones on the same node.
        { "GET", "/reports/7", "report-get id=7" },
        { "PUT", "/reports/7", "report-fallback id=7" },
        { "GET", "/reports/daily", "report-get id=daily" },
        { "POST", "/reports/daily", "report-static" },

        // 405 lists every method of every route matching the path.
        { "GET", "/config", "405 PATCH,PUT" },
        { "PUT", "/config/", "only-put" },
        { "GET", "/x/b/y", "deep-get a=b" },
        { "POST", "/x/b/y", "deep-post c=y" },
        { "PUT", "/x/b/y", "405 GET,POST" },
        { "PUT", "/x/c/z", "404" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void TryMatch_Method_MatchesExpectedRoute(string method, string path, string expected) =>
        Assert.Equal(expected, Lookup(Table, "example.com", method, path));

    [Fact]
    public void TryMatch_MethodNotAllowed_LeavesMatchDefault()
    {
        Span<Range> captures = stackalloc Range[4];

        var result = Table.TryMatch("h", "GET", "/config", captures, out var match);

        Assert.Equal(RouteLookupResult.MethodNotAllowed, result);
        Assert.False(match.HasValue);
    }

    [Fact]
    public void GetAllowedMethods_UnknownPath_ReturnsEmpty() =>
        Assert.Empty(Table.GetAllowedMethods("h", "/nowhere"));
}
