using Xunit;
using System.Collections.Immutable;
using Gateway.Actors.Routing;
using Gateway.Protocol.Routing;

namespace Gateway.Tests.Actors.Routing;

/// <summary>Builds route tables from compact route lists and renders lookups as one comparable line.</summary>
internal static class TestRoutes
{
    /// <summary>A route in a test table: hosts and methods are comma-separated, empty for any.</summary>
    public sealed record Route(string Id, string Path, string Hosts = "", string Methods = "", int Order = 0);

    public static RouteTable<string> Compile(params Route[] routes) =>
        RouteTable<string>.Compile(routes.Select(r => new RouteTableEntry<string>(
            r.Id,
            Split(r.Hosts),
            Split(r.Methods),
            PathTemplate.Parse(r.Path),
            r.Order,
            "value:" + r.Id)));

    /// <summary>
    /// "404", "405 GET,POST", or the route id followed by <c>name=value</c> per capture, e.g. <c>user id=42</c>.
    /// </summary>
    public static string Lookup(RouteTable<string> table, string host, string method, string path)
    {
        Span<Range> captures = stackalloc Range[16];
        var result = table.TryMatch(host, method, path, captures, out var match);
        switch (result)
        {
            case RouteLookupResult.NotFound:
                return "404";
            case RouteLookupResult.MethodNotAllowed:
                return "405 " + string.Join(",", table.GetAllowedMethods(host, path));
        }

        Assert.Equal("value:" + match.Id, match.Value);
        var parts = new List<string> { match.Id };
        for (var i = 0; i < match.CaptureCount; i++)
        {
            parts.Add($"{match.CaptureNames[i]}={path[captures[i]]}");
        }
        return string.Join(" ", parts);
    }

    private static ImmutableArray<string> Split(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToImmutableArray();
}
