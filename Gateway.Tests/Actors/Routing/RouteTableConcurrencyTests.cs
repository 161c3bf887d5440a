using Xunit;
using Gateway.Actors.Routing;
using static Gateway.Tests.Actors.Routing.TestRoutes;

namespace Gateway.Tests.Actors.Routing;

public sealed class RouteTableConcurrencyTests
{
    [Fact]
    public void TryMatch_FromManyThreads_AgreesWithSingleThreadedLookups()
    {
        var routes = Enumerable.Range(0, 200)
            .SelectMany(i => new[]
            {
                new Route($"list{i}", $"/svc{i}/items", Methods: "GET"),
                new Route($"item{i}", $"/svc{i}/items/{{id:int}}"),
                new Route($"rest{i}", $"/svc{i}/{{**rest}}", Hosts: i % 2 == 0 ? "*.example.com" : ""),
            })
            .ToArray();
        var table = Compile(routes);
        var requests = Enumerable.Range(0, 400)
            .Select(i => (Host: i % 3 == 0 ? "a.example.com" : "other", Method: i % 5 == 0 ? "POST" : "GET", Path: $"/svc{i}/items/{i}"))
            .Concat(Enumerable.Range(0, 200).Select(i => (Host: "x", Method: "GET", Path: $"/svc{i}/items")))
            .ToArray();
        var expected = requests.Select(r => Lookup(table, r.Host, r.Method, r.Path)).ToArray();

        var mismatches = 0;
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, n =>
        {
            var i = n % requests.Length;
            var r = requests[i];
            if (Lookup(table, r.Host, r.Method, r.Path) != expected[i]) Interlocked.Increment(ref mismatches);
        });

        Assert.Equal(0, mismatches);
        Assert.Contains("item7 id=7", expected);
        Assert.Contains("404", expected);
    }
}
