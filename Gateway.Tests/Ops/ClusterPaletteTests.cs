using Gateway.Actors.Ops;
using Gateway.Protocol.Ops;
using Xunit;

namespace Gateway.Tests.Ops;

public sealed class ClusterPaletteTests
{
    private const string A = "akka.tcp://gateway@10.0.0.1:4053";
    private const string B = "akka.tcp://gateway@10.0.0.2:4053";
    private const string C = "akka.tcp://gateway@10.0.0.3:4053";

    private static readonly ClusterView ThreeNodes = new(B, "Up", A,
    [
        new MemberView(A, "Up", ["routes"], true),
        new MemberView(B, "Up", [], true),
        new MemberView(C, "Leaving", ["edge", "routes"], false),
    ]);

    [Fact]
    public void Show_MarksLeaderSelfAndUnreachable()
    {
        var table = Assert.Single(ClusterPalette.Show(ThreeNodes).Frames);
        Assert.Equal(["address", "status", "roles", "reachable", "leader", "self"], table.Columns!.Value.ToArray());
        Assert.Equal(
        [
            [A, "Up", "routes", "yes", "yes", ""],
            [B, "Up", "-", "yes", "", "yes"],
            [C, "Leaving", "edge,routes", "no", "", ""],
        ], table.Rows!.Value.Select(r => r.ToArray()));
    }

    [Fact]
    public void Status_CountsMembersByStatus()
    {
        var fields = ClusterPalette.Status(ThreeNodes).Frames.Single().Rows!.Value.ToDictionary(r => r[0], r => r[1]);
        Assert.Equal(B, fields["node"]);
        Assert.Equal(A, fields["leader"]);
        Assert.Equal("3 (Leaving 1, Up 2)", fields["members"]);
        Assert.Equal("1", fields["unreachable"]);
    }

    [Fact]
    public void Leader_WithoutLeader_Fails()
    {
        Assert.Equal(A, ClusterPalette.Leader(ThreeNodes).Frames.Single().Text);
        var none = ClusterPalette.Leader(ThreeNodes with { Leader = null });
        Assert.Equal(OpsExitCodes.Failed, none.ExitCode);
    }

    [Theory]
    [InlineData("akka.tcp://gateway@10.0.0.1:4053", true)]
    [InlineData(" akka.tcp://gateway@host.example:1 ", true)]
    [InlineData("akka://gateway", false)]
    [InlineData("10.0.0.1:4053", false)]
    [InlineData("not an address", false)]
    public void ParseAddress_AcceptsOnlyRemoteAddresses(string text, bool valid) =>
        Assert.Equal(valid, ClusterPalette.ParseAddress(text) is not null);

    [Fact]
    public void Find_MatchesTheAddressAsPrinted() =>
        Assert.Equal("Leaving", ThreeNodes.Find(" " + C)!.Status);
}
