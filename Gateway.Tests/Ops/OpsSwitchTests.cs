using Gateway.Actors.Ops;
using Gateway.Protocol.Ops;
using Xunit;

namespace Gateway.Tests.Ops;

/// <summary>Petabridge.Cmd's switches (<c>-a</c>, <c>--depth</c>, flags) as the catalog reads them.</summary>
public sealed class OpsSwitchTests
{
    private static (OpsInvocation? Invocation, OpsResult? Error) Resolve(string line) =>
        OpsCatalog.Default.Resolve(new OpsRequest { Command = line }, CancellationToken.None);

    [Theory]
    [InlineData("cluster leave -a akka.tcp://gateway@10.0.0.1:4053", "address", "akka.tcp://gateway@10.0.0.1:4053")]
    [InlineData("cluster down --address akka.tcp://gateway@10.0.0.1:4053", "address", "akka.tcp://gateway@10.0.0.1:4053")]
    [InlineData("cluster join --address=akka.tcp://gateway@10.0.0.1:4053", "address", "akka.tcp://gateway@10.0.0.1:4053")]
    [InlineData("actor hierarchy -d 2", "depth", "2")]
    [InlineData("actor hierarchy --system sharding", "system", "sharding")]
    [InlineData("gateway config sync f.conf --prune", "prune", "true")]
    public void Resolve_Switch_IsAnOptionNotAnArgument(string line, string option, string value)
    {
        var (invocation, error) = Resolve(line);

        Assert.Null(error);
        Assert.Equal(value, invocation!.Option(option));
        Assert.DoesNotContain(invocation.Args, a => a.StartsWith('-'));
    }

    [Theory]
    [InlineData("cluster leave -x", "unknown option '-x' for 'cluster leave'")]
    [InlineData("actor hierarchy -d", "option '-d' needs a value (DEPTH)")]
    [InlineData("gateway config diff f.conf --prune", "unknown option '--prune' for 'gateway config diff'")]
    public void Resolve_BadSwitch_IsAUsageError(string line, string message)
    {
        var (invocation, error) = Resolve(line);

        Assert.Null(invocation);
        Assert.Equal(OpsExitCodes.Usage, error!.ExitCode);
        Assert.Equal(message, error.Frames[0].Message);
    }

    [Theory]
    [InlineData("actor hierarchy", "/user", 8)]
    [InlineData("actor hierarchy -d 2 -s sharding", "/system/sharding", 2)]
    [InlineData("actor hierarchy --depth 3 --system /system/sharding/config", "/system/sharding/config", 3)]
    [InlineData("actor hierarchy -a /user/upstreams", "/user/upstreams", 8)]
    public void ActorHierarchy_Switches_StartAndDepth(string line, string root, int depth)
    {
        var (invocation, _) = Resolve(line);

        Assert.Equal((root, depth, (string?)null), ActorPalette.Read(invocation!));
    }

    [Theory]
    [InlineData("actor hierarchy -d 0")]
    [InlineData("actor hierarchy -d 99")]
    [InlineData("actor hierarchy -a /user/*")]
    public void ActorHierarchy_BadSwitchValue_IsAnError(string line)
    {
        var (invocation, _) = Resolve(line);

        Assert.NotNull(ActorPalette.Read(invocation!).Error);
    }

    [Fact]
    public void Help_ShowsTheSwitches()
    {
        var help = CorePalette.Help(OpsCatalog.Default, "cluster");

        Assert.Contains(help.Frames[0].Rows!.Value, r => r[0] == "cluster leave [address] [-a|--address ADDRESS]");
    }
}
