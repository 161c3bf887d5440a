using Gateway.Protocol.Ops;
using Xunit;

namespace Gateway.Tests.Ops;

/// <summary>Tab completion of the interactive shell against the command names the node sent.</summary>
public sealed class InteractiveCompletionTests
{
    private static readonly string[] Commands = ["cluster show", "cluster status", "cluster sharding regions", "gateway routes", "gateway config dump", "help"];

    [Theory]
    [InlineData("gat", "gateway ")]
    [InlineData("gateway c", "gateway config ")]
    [InlineData("gateway config ", "gateway config dump ")]
    [InlineData("cluster s", "cluster s")]          // show, status, sharding: nothing longer in common
    [InlineData("cluster sh", "cluster sh")]        // show, sharding
    [InlineData("cluster sha", "cluster sharding ")]
    [InlineData("frob", "frob")]
    public void Complete_FromThePalettes(string typed, string expected) =>
        Assert.Equal(expected, OpsCompletion.Complete(typed, Commands).Line);

    [Fact]
    public void Complete_Ambiguous_ListsTheCandidates() =>
        Assert.Equal(["sharding", "show", "status"], OpsCompletion.Complete("cluster s", Commands).Candidates.AsEnumerable());
}
