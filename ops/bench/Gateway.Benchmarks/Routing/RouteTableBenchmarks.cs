using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Gateway.Actors.Routing;
using Gateway.Protocol.Routing;

namespace Gateway.Benchmarks.Routing;

/// <summary>Lookup cost of the compiled route table as the number of routes grows.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class RouteTableBenchmarks
{
    private RouteTable<string> _table = RouteTable<string>.Empty;
    private Range[] _captures = [];
    private string _hitPath = "";
    private string _paramPath = "";
    private string _missPath = "";

    /// <summary>Routes in the table.</summary>
    [Params(10, 1_000, 10_000)]
    public int RouteCount { get; set; }

    /// <summary>Compiles the table and checks that each benchmarked lookup gives the intended result.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var entries = BuildRoutes(RouteCount);
        _table = RouteTable<string>.Compile(entries);
        _captures = new Range[_table.MaxCaptureCount];

        // Targets sit in the middle of the table so neither the first nor the last sibling is favoured.
        var service = Services(RouteCount) / 2;
        _hitPath = $"/api/v1/svc{service}/items";
        _paramPath = $"/api/v1/svc{service}/items/12345/reviews/Abc-9";
        _missPath = $"/api/v1/svc{service}/orders/12345/missing";
        Verify(_hitPath, RouteLookupResult.Matched);
        Verify(_paramPath, RouteLookupResult.Matched);
        Verify(_missPath, RouteLookupResult.NotFound);
    }

    /// <summary>An all-static path.</summary>
    [Benchmark(Baseline = true)]
    public RouteLookupResult StaticHit() => _table.TryMatch("www.example.com", "GET", _hitPath, _captures, out _);

    /// <summary>A path with two parameters that backtracks out of an <c>{id:int}</c> branch first.</summary>
    [Benchmark]
    public RouteLookupResult ParamHit() => _table.TryMatch("www.example.com", "GET", _paramPath, _captures, out _);

    /// <summary>A path no route matches.</summary>
    [Benchmark]
    public RouteLookupResult Miss() => _table.TryMatch("www.example.com", "GET", _missPath, _captures, out _);

    // Ten route shapes per service; every 25th service is pinned to its own host and every 50th to a tenant wildcard.
    private static List<RouteTableEntry<string>> BuildRoutes(int count)
    {
        var entries = new List<RouteTableEntry<string>>(count);
        for (var s = 0; entries.Count < count; s++)
        {
            var hosts = s % 25 == 24 ? ImmutableArray.Create($"svc{s}.example.com")
                : s % 50 == 13 ? ImmutableArray.Create($"*.tenant{s}.example.com")
                : ImmutableArray<string>.Empty;
            string[] shapes =
            [
                $"GET /api/v1/svc{s}/items",
                $"POST /api/v1/svc{s}/items",
                $"GET /api/v1/svc{s}/items/{{id:int}}",
                $"PUT /api/v1/svc{s}/items/{{id:int}}",
                $"DELETE /api/v1/svc{s}/items/{{id:int}}",
                $"GET /api/v1/svc{s}/items/{{id}}/reviews/{{reviewId}}",
                $"GET /api/v1/svc{s}/search",
                $"GET /api/v2/svc{s}/{{tenant}}/items",
                $"GET /static/svc{s}/{{**path}}",
                $"* /hooks/svc{s}/{{**rest}}",
            ];
            foreach (var shape in shapes)
            {
                if (entries.Count == count) break;
                var space = shape.IndexOf(' ');
                var method = shape[..space];
                entries.Add(new RouteTableEntry<string>(
                    $"r{entries.Count}",
                    hosts,
                    method == "*" ? [] : [method],
                    PathTemplate.Parse(shape[(space + 1)..]),
                    0,
                    $"upstream-{s}"));
            }
        }
        return entries;
    }

    private static int Services(int count) => (count + 9) / 10;

    private void Verify(string path, RouteLookupResult expected)
    {
        var actual = _table.TryMatch("www.example.com", "GET", path, _captures, out _);
        if (actual != expected) throw new InvalidOperationException($"{path}: expected {expected}, got {actual}.");
    }
}
