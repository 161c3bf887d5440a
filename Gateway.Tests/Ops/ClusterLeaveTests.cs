using Akka.TestKit.Xunit2;
using Gateway.Actors;
using Gateway.Actors.Ops;
using Xunit;

namespace Gateway.Tests.Ops;

/// <summary><c>pbm cluster leave</c> aimed at the node itself drains it as <c>gateway drain</c> and SIGTERM do.</summary>
public sealed class ClusterLeaveTests() : TestKit(Akka.Configuration.ConfigurationFactory
    .ParseString("akka.remote.dot-netty.tcp.port = 0").WithFallback(GatewayDefaults.Config))
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LeaveOfThisNode_RunsTheDrain(bool byAddress)
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        var drain = new CountingDrain();
        var result = ClusterPalette.Leave(cluster, byAddress ? cluster.SelfAddress.ToString() : null, drain);
        Assert.Equal(1, drain.Starts);
        Assert.Equal(DrainCommand.Drain(new CountingDrain()).Frames.Single().Text, result.Frames.Single().Text);
        // Asked again (or SIGTERM meanwhile): the drain that runs is the one; no second start.
        ClusterPalette.Leave(cluster, null, drain);
        Assert.Equal(1, drain.Starts);
        Assert.True(drain.IsDraining);
    }

    [Fact]
    public void LeaveOfAnotherAddress_DoesNotDrainThisNode()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        var drain = new CountingDrain();
        var result = ClusterPalette.Leave(cluster, "akka.tcp://gateway@10.9.9.9:4053", drain);
        Assert.Equal(0, drain.Starts);
        Assert.NotEqual(0, result.ExitCode); // not a member here: refused, and this node keeps serving
    }

    private sealed class CountingDrain : INodeDrain
    {
        public int Starts { get; private set; }

        public bool IsDraining => Starts > 0;

        public TimeSpan Timeout => TimeSpan.FromSeconds(30);

        public bool Start()
        {
            if (Starts > 0) return false;
            Starts++;
            return true;
        }
    }
}
