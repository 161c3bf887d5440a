using Xunit;
using Gateway.Actors.Routing;
using static Gateway.Tests.Actors.Routing.TestRoutes;

namespace Gateway.Tests.Actors.Routing;

public sealed class RouteTablePathTests
{
    private static readonly RouteTable<string> Table = Compile(
        new Route("root", "/"),
        new Route("users", "/api/users"),
        new Route("users-me", "/api/users/me"),
        new Route("user", "/api/users/{id:int}"),
        new Route("user-by-name", "/api/users/{name}"),
        new Route("user-posts", "/api/users/{userId}/posts"),
        new Route("post", "/api/users/{userId}/posts/{postId:guid}"),
        new Route("abc", "/a/b/c"),
        new Route("axd", "/a/{x}/d"),
        new Route("ax-rest", "/a/{x}/{**rest}"),
        new Route("files", "/files/{**rest}"),
        new Route("files-readme", "/files/README"),
        new Route("static-css", "/static/css/site.css"),
        new Route("static-any", "/static/{**path}"),
        new Route("docs", "/docs/{page:alpha}"),
        new Route("docs-version", "/docs/{version:long}"),
        new Route("flag", "/flags/{on:bool}"),
        new Route("items", "/shop/{shop}/items/{item}"),
        new Route("whoami-root", "/cmd/whoami/root"),
        new Route("whoami-root-slash", "/cmd/whoami/root/"),
        new Route("only-slash", "/dir/{name}/"),
        new Route("root-slash-get", "/mixed/x/", Methods: "GET"),
        new Route("root-noslash-post", "/mixed/x", Methods: "POST"));

    public static TheoryData<string, string> Requests => new()
    {
        // Root and empty path.
        { "/", "root" },
        { "", "root" },

        // Static beats param beats catch-all; case-insensitive statics, case-preserving captures.
        { "/api/users", "users" },
        { "/API/Users", "users" },
        { "/api/users/me", "users-me" },
        { "/api/users/ME", "users-me" },
        { "/api/users/42", "user id=42" },
        { "/api/users/-7", "user id=-7" },
        { "/api/users/Alice", "user-by-name name=Alice" },
        { "/api/users/99999999999", "user-by-name name=99999999999" },
        { "/api/users/Alice/posts", "user-posts userId=Alice" },
        { "/api/users/42/posts", "user-posts userId=42" },
        { "/api/users/42/posts/3f2504e0-4f89-11d3-9a0c-0305e82c3301", "post userId=42 postId=3f2504e0-4f89-11d3-9a0c-0305e82c3301" },
        { "/api/users/42/posts/not-a-guid", "404" },
        { "/api/users/42/comments", "404" },
        { "/api", "404" },
        { "/nope", "404" },

        // Backtracking out of a static branch into a parameter, then into a catch-all.
        { "/a/b/c", "abc" },
        { "/a/b/d", "axd x=b" },
        { "/a/B/D", "axd x=B" },
        { "/a/b/e", "ax-rest x=b rest=e" },
        { "/a/b/c/d", "ax-rest x=b rest=c/d" },
        { "/a/b", "ax-rest x=b rest=" },

        // Catch-all: matches empty, keeps the rest as sent, loses to a static.
        { "/files", "files rest=" },
        { "/files/", "files rest=" },
        { "/files/a", "files rest=a" },
        { "/files/a/b/C.txt", "files rest=a/b/C.txt" },
        { "/files/a/b/", "files rest=a/b/" },
        { "/files/readme", "files-readme" },
        { "/files/readme/more", "files rest=readme/more" },
        { "/static/css/site.css", "static-css" },
        { "/static/css/other.css", "static-any path=css/other.css" },

        // Constraints: a failing constraint falls back to the next alternative.
        { "/docs/intro", "docs page=intro" },
        { "/docs/12", "docs-version version=12" },
        { "/docs/v1-2", "404" },
        { "/flags/TRUE", "flag on=TRUE" },
        { "/flags/maybe", "404" },

        // A single trailing slash is tolerated, two are not.
        { "/api/users/", "users" },
        { "/api/users/42/", "user id=42" },
        { "/api/users//", "404" },
        { "/a/b/c/", "abc" },

        // ...but only when no route matches exactly: with and without the slash both defined, each gets its own.
        { "/cmd/whoami/root", "whoami-root" },
        { "/cmd/whoami/root/", "whoami-root-slash" },
        { "/CMD/whoami/ROOT/", "whoami-root-slash" },
        { "/cmd/whoami/root//", "404" },
        { "/dir/a/", "only-slash name=a" },
        { "/dir/a", "only-slash name=a" },
        { "/mixed/x/", "root-slash-get" },
        { "/mixed/x", "root-slash-get" },

        // '//' makes an empty segment: no static or parameter takes it, a catch-all does.
        { "/api//users", "404" },
        { "/shop//items/x", "404" },
        { "/files//a", "files rest=/a" },
        { "//", "404" },

        // %2F stays literal inside one segment.
        { "/api/users/a%2Fb", "user-by-name name=a%2Fb" },
        { "/shop/s%2F1/items/i%2F2", "items shop=s%2F1 item=i%2F2" },

        // Not a path.
        { "api/users", "404" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void TryMatch_Path_MatchesExpectedRoute(string path, string expected) =>
        Assert.Equal(expected, Lookup(Table, "example.com", "GET", path));

    [Fact]
    public void TryMatch_CatchAllAtRoot_ConsumesEmptySegments()
    {
        var table = Compile(new Route("api", "/api"), new Route("fallback", "/{**path}"));

        Assert.Equal("fallback path=", Lookup(table, "h", "GET", "/"));
        Assert.Equal("fallback path=", Lookup(table, "h", "GET", ""));
        Assert.Equal("fallback path=/", Lookup(table, "h", "GET", "//"));
        Assert.Equal("fallback path=/api", Lookup(table, "h", "GET", "//api"));
        Assert.Equal("api", Lookup(table, "h", "GET", "/api/"));
    }

    [Fact]
    public void TryMatch_SameNodeDifferentParameterNames_UsesEachRoutesNames()
    {
        var table = Compile(
            new Route("get", "/things/{id}", Methods: "GET"),
            new Route("put", "/things/{thingId}", Methods: "PUT"));

        Assert.Equal("get id=1", Lookup(table, "h", "GET", "/things/1"));
        Assert.Equal("put thingId=1", Lookup(table, "h", "PUT", "/things/1"));
    }

    [Fact]
    public void TryMatch_ManyStaticSiblings_FindsEachCaseInsensitively()
    {
        var routes = Enumerable.Range(0, 50).Select(i => new Route($"svc{i}", $"/svc{i}/items")).ToArray();
        var table = Compile(routes);

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal($"svc{i}", Lookup(table, "h", "GET", $"/SVC{i}/Items"));
        }
        Assert.Equal("404", Lookup(table, "h", "GET", "/svc50/items"));
    }

    [Fact]
    public void TryMatch_CaptureBufferTooSmall_Throws()
    {
        var table = Compile(new Route("two", "/{a}/{b}"));

        Assert.Equal(2, table.MaxCaptureCount);
        Assert.Throws<ArgumentException>(() => table.TryMatch("h", "GET", "/x/y", new Range[1], out _));
    }
}
