using Gateway.Actors.Ops;
using Xunit;

namespace Gateway.Tests.Ops;

public sealed class ActorTreeTests
{
    [Fact]
    public void Format_IndentsChildrenUnderTheirParentsInNameOrder()
    {
        var lines = ActorTree.Format(["/user/upstreams/users", "/user/route-table", "/user/upstreams", "/user/ops", "/user/upstreams/echo", "/user/upstreams/echo/ep-1", "/user/ops"]);
        Assert.Equal(
        [
            "/user/ops",
            "/user/route-table",
            "/user/upstreams",
            "  echo",
            "    ep-1",
            "  users",
        ], lines);
    }

    [Fact]
    public void Format_Nothing_IsEmpty() => Assert.Empty(ActorTree.Format([]));
}
