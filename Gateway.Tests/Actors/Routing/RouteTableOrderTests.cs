using Xunit;
using Gateway.Actors.Routing;
using static Gateway.Tests.Actors.Routing.TestRoutes;

namespace Gateway.Tests.Actors.Routing;

public sealed class RouteTableOrderTests
{
    [Fact]
    public void TryMatch_EqualRoutes_LowerOrderWins()
    {
        var table = Compile(
            new Route("late", "/same/{id}", Order: 10),
            new Route("early", "/same/{key}", Order: -1),
            new Route("middle", "/same/{x}", Order: 3));

        Assert.Equal("early key=1", Lookup(table, "h", "GET", "/same/1"));
    }

    [Fact]
    public void TryMatch_EqualRoutesAndOrder_LowerIdOrdinalWins()
    {
        var table = Compile(
            new Route("b", "/dup", Methods: "GET"),
            new Route("B", "/dup", Methods: "GET"),
            new Route("a", "/dup", Methods: "GET"));

        Assert.Equal("B", Lookup(table, "h", "GET", "/dup"));
    }

    [Fact]
    public void TryMatch_OrderDoesNotBeatSpecificity_StaticStillWins()
    {
        var table = Compile(
            new Route("param", "/p/{id}", Order: -100),
            new Route("static", "/p/fixed", Order: 100));

        Assert.Equal("static", Lookup(table, "h", "GET", "/p/fixed"));
    }

    [Fact]
    public void TryMatch_MethodRouteWithHigherOrder_StillBeatsMethodlessRoute()
    {
        var table = Compile(
            new Route("any", "/m", Order: 0),
            new Route("get", "/m", Methods: "GET", Order: 50));

        Assert.Equal("get", Lookup(table, "h", "GET", "/m"));
        Assert.Equal("any", Lookup(table, "h", "POST", "/m"));
    }

    [Fact]
    public void Empty_AnyRequest_NotFound()
    {
        var table = RouteTable<string>.Empty;

        Assert.Equal(0, table.Count);
        Assert.Equal(0, table.MaxCaptureCount);
        Assert.Equal(RouteLookupResult.NotFound, table.TryMatch("h", "GET", "/", Span<Range>.Empty, out var match));
        Assert.False(match.HasValue);
        Assert.Equal("404", Lookup(table, "h", "GET", "/anything"));
        Assert.Empty(table.GetAllowedMethods("h", "/"));
    }

    [Fact]
    public void Compile_Entries_CountsEveryEntry()
    {
        var table = Compile(new Route("a", "/a", Hosts: "x.test,y.test"), new Route("b", "/a"), new Route("c", "/{**all}"));

        Assert.Equal(3, table.Count);
        Assert.Equal(1, table.MaxCaptureCount);
    }

    [Fact]
    public void Compile_EntryWithoutId_Throws() =>
        Assert.Throws<ArgumentException>(() => Compile(new Route("", "/a")));
}
