using Xunit;
using Gateway.Actors.Routing;
using static Gateway.Tests.Actors.Routing.TestRoutes;

namespace Gateway.Tests.Actors.Routing;

public sealed class RouteTableAllocationTests
{
    private static readonly string[] Paths =
    [
        "/api/svc3/items",
        "/API/SVC7/items/123",
        "/api/svc9/items/abc/reviews/",
        "/static/svc1/css/site.css",
        "/api/svc2/unknown",
        "/nowhere/at/all",
    ];

    [Fact]
    public void TryMatch_AfterWarmUp_AllocatesNothing()
    {
        var routes = new List<Route>();
        for (var i = 0; i < 20; i++)
        {
            routes.Add(new Route($"list{i}", $"/api/svc{i}/items", Methods: "GET"));
            routes.Add(new Route($"item{i}", $"/api/svc{i}/items/{{id:int}}", Methods: "GET,PUT"));
            routes.Add(new Route($"reviews{i}", $"/api/svc{i}/items/{{id}}/reviews"));
            routes.Add(new Route($"static{i}", $"/static/svc{i}/{{**path}}"));
            routes.Add(new Route($"tenant{i}", $"/api/svc{i}/items", Hosts: $"*.t{i}.example.com"));
            routes.Add(new Route($"host{i}", $"/api/svc{i}/items", Hosts: $"svc{i}.example.com"));
        }
        var table = Compile(routes.ToArray());
        Span<Range> captures = stackalloc Range[8];
        var matched = 0;

        LookupAll(table, captures, ref matched);
        matched = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            LookupAll(table, captures, ref matched);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(4 * 1_000, matched);
    }

    private static void LookupAll(RouteTable<string> table, Span<Range> captures, ref int matched)
    {
        foreach (var path in Paths)
        {
            if (table.TryMatch("a.t5.example.com:443", "GET", path, captures, out var match) == RouteLookupResult.Matched
                && match.CaptureCount <= captures.Length)
            {
                matched++;
            }
        }
    }
}
