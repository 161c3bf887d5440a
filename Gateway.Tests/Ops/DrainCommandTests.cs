using Gateway.Actors.Ops;
using Gateway.Protocol.Ops;
using Xunit;

namespace Gateway.Tests.Ops;

public sealed class DrainCommandTests
{
    [Fact]
    public void Drain_FirstTime_StartsTheDrainAndSaysWhatFollows()
    {
        var drain = new FakeDrain();
        var result = DrainCommand.Drain(drain);

        Assert.Equal(OpsExitCodes.Ok, result.ExitCode);
        Assert.Equal(1, drain.Starts);
        Assert.Equal("draining: readiness off, no new connections; in-flight requests finish (up to 12.5s), then the node leaves the cluster and exits",
            Assert.Single(result.Frames).Text);
    }

    [Fact]
    public void Drain_AlreadyDraining_SaysSoAndSucceeds()
    {
        var drain = new FakeDrain();
        DrainCommand.Drain(drain);
        var again = DrainCommand.Drain(drain);

        Assert.Equal(OpsExitCodes.Ok, again.ExitCode);
        Assert.StartsWith("already draining", Assert.Single(again.Frames).Text);
    }

    [Fact]
    public void Drain_WithoutANodeHost_Fails()
    {
        var result = DrainCommand.Drain(null);
        Assert.Equal(OpsExitCodes.Failed, result.ExitCode);
    }

    [Fact]
    public void Catalog_ResolvesGatewayDrain()
    {
        var (invocation, error) = OpsCatalog.Default.Resolve(new OpsRequest { Command = "gateway drain" }, CancellationToken.None);
        Assert.Null(error);
        Assert.Same(DrainCommand.Command, invocation!.Command);
    }

    private sealed class FakeDrain : INodeDrain
    {
        public int Starts { get; private set; }

        public bool IsDraining => Starts > 0;

        public TimeSpan Timeout => TimeSpan.FromSeconds(12.5);

        public bool Start() => Starts++ == 0;
    }
}
