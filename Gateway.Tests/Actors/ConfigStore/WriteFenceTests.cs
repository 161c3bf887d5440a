using Akka.Cluster;
using Gateway.Actors.ConfigStore;
using Xunit;

namespace Gateway.Tests.Actors.ConfigStore;

/// <summary>Who may persist: an Up member reaching a majority that has not stepped back.</summary>
public sealed class WriteFenceTests
{
    [Theory]
    [InlineData("up, all reachable", MemberStatus.Up, 3, 0, null, true)]
    [InlineData("up, one of three unreachable", MemberStatus.Up, 3, 1, null, true)]
    [InlineData("resumed: sees both others unreachable", MemberStatus.Up, 3, 2, null, false)]
    [InlineData("half of four", MemberStatus.Up, 4, 2, null, false)]
    [InlineData("alone", MemberStatus.Up, 1, 0, null, true)]
    [InlineData("downed", MemberStatus.Down, 3, 0, null, false)]
    [InlineData("still joining", MemberStatus.Joining, 3, 0, null, false)]
    [InlineData("stepped back after a pause", MemberStatus.Up, 3, 0, "paused 20 s", false)]
    public void Decide_AllowsOnlyUpMajorityMembersThatDidNotStepBack(string name, MemberStatus self, int members, int unreachable, string? steppedBack, bool allowed)
    {
        Assert.True((WriteFence.Decide(self, members, unreachable, steppedBack) is null) == allowed, name);
    }
}
