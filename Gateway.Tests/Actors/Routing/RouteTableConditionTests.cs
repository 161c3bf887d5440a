using System.Collections.Immutable;
using Gateway.Actors.Routing;
using Gateway.Protocol.Routing;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.Actors.Routing;

/// <summary>Header, query and cookie conditions in the route table, as a list of requests and the route each reaches.</summary>
public sealed class RouteTableConditionTests
{
    private static readonly RouteTable<string> Table = RouteTable<string>.Compile(
    [
        Entry("stable", "/api/{**rest}"),
        Entry("header-canary", "/api/{**rest}", new RouteMatchDefinition { Headers = [new MatchCondition { Name = "X-Canary", Value = "always" }] }),
        Entry("query-canary", "/api/{**rest}", new RouteMatchDefinition { Query = [new MatchCondition { Name = "beta", Value = "1" }] }),
        Entry("cookie-canary", "/api/{**rest}", new RouteMatchDefinition { Cookies = [new MatchCondition { Name = "canary", Regex = "^(on|yes)$" }] }),
        Entry("both", "/api/{**rest}", new RouteMatchDefinition
        {
            Headers = [new MatchCondition { Name = "X-Canary", Value = "always" }],
            Query = [new MatchCondition { Name = "beta", Value = "1" }],
        }),
        Entry("traced", "/traced", new RouteMatchDefinition { Headers = [new MatchCondition { Name = "X-Trace", Present = true }] }, methods: "GET"),
        Entry("ordered-b", "/ordered", new RouteMatchDefinition { Headers = [new MatchCondition { Name = "X-T", Present = true }] }, order: 2),
        Entry("ordered-a", "/ordered", new RouteMatchDefinition { Query = [new MatchCondition { Name = "t", Present = true }] }, order: 1),
        Entry("slow-regex", "/slow", new RouteMatchDefinition { Headers = [new MatchCondition { Name = "X-Slow", Regex = "^(a+)+$" }] }),
    ]);

    public static TheoryData<string, string, string, string> Requests() => new()
    {
        // name, path?query, headers ("Name: value|Name: value"), expected route or 404/405
        { "no conditions given", "/api/x", "", "stable" },
        { "header canary", "/api/x", "X-Canary: always", "header-canary" },
        { "header name any case", "/api/x", "x-canary: always", "header-canary" },
        { "header value is exact and case-sensitive", "/api/x", "X-Canary: Always", "stable" },
        { "header of another value", "/api/x", "X-Canary: never", "stable" },
        { "query canary", "/api/x?beta=1", "", "query-canary" },
        { "query of another value", "/api/x?beta=2", "", "stable" },
        { "query name any case", "/api/x?BETA=1", "", "query-canary" },
        { "repeated query, one value matches", "/api/x?beta=0&beta=1", "", "query-canary" },
        { "cookie canary by regex", "/api/x", "Cookie: a=b; canary=yes", "cookie-canary" },
        { "cookie regex does not match", "/api/x", "Cookie: canary=maybe", "stable" },
        { "more conditions win", "/api/x?beta=1", "X-Canary: always", "both" },
        { "present, any value", "/traced", "X-Trace: 1", "traced" },
        { "present missing: no route", "/traced", "", "404" },
        { "conditions held, method not allowed", "/traced", "X-Trace: 1|:method: POST", "405 GET" },
        { "same count: lower order wins", "/ordered?t=1", "X-T: 1", "ordered-a" },
        { "same count: the other alone", "/ordered", "X-T: 1", "ordered-b" },
        { "pathological value for a backtracking regex: no match, bounded time", "/slow", "X-Slow: " + new string('a', 40) + "!", "404" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void TryMatch_WithRequest_PicksTheRouteWhoseConditionsHold(string name, string target, string headers, string expected)
    {
        _ = name;
        var context = new DefaultHttpContext();
        var query = target.IndexOf('?');
        var path = query < 0 ? target : target[..query];
        context.Request.Path = path;
        if (query >= 0) context.Request.QueryString = new QueryString(target[query..]);
        var method = "GET";
        foreach (var header in headers.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = header.IndexOf(':', 1);
            var (key, value) = (header[..colon].Trim(), header[(colon + 1)..].Trim());
            if (key == ":method") method = value;
            else context.Request.Headers.Append(key, value);
        }

        Span<Range> captures = stackalloc Range[4];
        var result = Table.TryMatch("any.example.com", method, path, context.Request, captures, out var match);
        var actual = result switch
        {
            RouteLookupResult.Matched => match.Id,
            RouteLookupResult.MethodNotAllowed => "405 " + string.Join(",", Table.GetAllowedMethods("any.example.com", path)),
            _ => "404",
        };
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void TryMatch_WithoutRequest_SkipsConditionalRoutes()
    {
        Span<Range> captures = stackalloc Range[4];
        Assert.Equal(RouteLookupResult.Matched, Table.TryMatch("h", "GET", "/api/x", captures, out var match));
        Assert.Equal("stable", match.Id);
        Assert.Equal(RouteLookupResult.NotFound, Table.TryMatch("h", "GET", "/traced", captures, out _));
    }

    [Fact]
    public void TryMatch_RouteWithoutConditions_AllocatesNothingEvenBesideConditionalRoutes()
    {
        var table = RouteTable<string>.Compile(
        [
            Entry("plain", "/items/{id}"),
            Entry("canary", "/orders/{id}", new RouteMatchDefinition { Headers = [new MatchCondition { Name = "X-Canary", Present = true }] }),
        ]);
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Canary"] = "1";
        Span<Range> captures = stackalloc Range[4];
        table.TryMatch("h", "GET", "/items/1", context.Request, captures, out _);
        table.TryMatch("h", "GET", "/orders/1", context.Request, captures, out _);
        var matched = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            if (table.TryMatch("h", "GET", "/items/1", context.Request, captures, out _) == RouteLookupResult.Matched) matched++;
            if (table.TryMatch("h", "GET", "/orders/1", context.Request, captures, out _) == RouteLookupResult.Matched) matched++;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(2_000, matched);
        Assert.Equal(0, allocated);
    }

    private static RouteTableEntry<string> Entry(string id, string path, RouteMatchDefinition? match = null, string methods = "", int order = 0) =>
        new(id, [], methods.Length == 0 ? [] : [.. methods.Split(',')], PathTemplate.Parse(path), order, id)
        {
            Conditions = RouteConditions.Compile(match),
        };
}
