using Gateway.Actors.Routing;
using Gateway.Protocol.Routing;
using Xunit;

namespace Gateway.Tests.Actors.Routing;

public sealed class PathRewriterTests
{
    [Theory]
    [InlineData("/api", "/api/users/1", "/users/1")]
    [InlineData("/api", "/api", "/")]
    [InlineData("/api", "/API/x", "/x")]
    [InlineData("/api", "/apix/y", "/apix/y")]
    [InlineData("/api/", "/api/z", "/z")]
    public void StripPrefix_RemovesPrefixAtSegmentBoundary(string prefix, string path, string expected)
    {
        var rewriter = PathRewriter.Create(new RouteRewrite { StripPrefix = prefix }, PathTemplate.Parse("/{**rest}"));
        Assert.Equal(expected, rewriter.Rewrite(path, []));
    }

    [Fact]
    public void Template_FillsCapturesByName()
    {
        var route = PathTemplate.Parse("/shop/{tenant}/items/{id:int}/{**rest}");
        var rewriter = PathRewriter.Create(new RouteRewrite { Template = "/v2/{id}/{tenant}/{**rest}" }, route);
        const string path = "/shop/acme/items/42/a/b";
        Range[] captures = [new(6, 10), new(17, 19), new(20, 23)];
        Assert.Equal("/v2/42/acme/a/b", rewriter.Rewrite(path, captures));
    }

    [Fact]
    public void Template_EmptyCatchAll_AddsNoTrailingSlash()
    {
        var rewriter = PathRewriter.Create(new RouteRewrite { Template = "/files/{**rest}" }, PathTemplate.Parse("/f/{**rest}"));
        Assert.Equal("/files", rewriter.Rewrite("/f", [new Range(2, 2)]));
    }

    [Fact]
    public void None_KeepsPath()
    {
        Assert.Equal("/a/b", PathRewriter.None.Rewrite("/a/b", []));
        Assert.Equal("/", PathRewriter.None.Rewrite("", []));
    }
}
