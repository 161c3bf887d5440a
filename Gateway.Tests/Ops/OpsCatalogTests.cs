using Gateway.Actors.Ops;
using Gateway.Protocol.Ops;
using Xunit;

namespace Gateway.Tests.Ops;

public sealed class OpsCatalogTests
{
    private static readonly OpsCatalog Catalog = OpsCatalog.Default;

    private static (OpsInvocation? Invocation, OpsResult? Error) Resolve(string command, params string[] args) =>
        Catalog.Resolve(new OpsRequest { Command = command, Args = [.. args] }, CancellationToken.None);

    [Theory]
    [InlineData("cluster show", new string[0], "cluster show", "")]
    [InlineData("cluster", new[] { "show" }, "cluster show", "")]
    [InlineData("cluster", new[] { "sharding", "regions" }, "cluster sharding regions", "")]
    [InlineData("cluster join", new[] { "akka.tcp://gateway@10.0.0.1:4053" }, "cluster join", "akka.tcp://gateway@10.0.0.1:4053")]
    [InlineData("CLUSTER Leave", new string[0], "cluster leave", "")]
    [InlineData("gateway", new[] { "routes", "orders" }, "gateway routes", "orders")]
    [InlineData("  log   peek  ", new[] { "5" }, "log peek", "5")]
    [InlineData("help", new[] { "cluster" }, "help", "cluster")]
    public void Resolve_KnownCommand_TakesTheLongestCommandAndTheRestAsArgs(string command, string[] args, string expected, string expectedArgs)
    {
        var (invocation, error) = Resolve(command, args);
        Assert.Null(error);
        Assert.Equal(expected, invocation!.Command.Name);
        Assert.Equal(expectedArgs, string.Join(" ", invocation.Args));
    }

    [Fact]
    public void Resolve_UnknownPalette_IsAUsageErrorListingThePalettes()
    {
        var (invocation, error) = Resolve("frobnicate", "now");
        Assert.Null(invocation);
        Assert.Equal(OpsExitCodes.Usage, error!.ExitCode);
        var frame = Assert.Single(error.Frames);
        Assert.Equal("unknown command 'frobnicate now'", frame.Message);
        Assert.StartsWith("usage: pbm [HOST:PORT] <command>", frame.Usage);
        Assert.Contains("cluster, gateway, log, actor, help, version", frame.Usage);
    }

    [Fact]
    public void Resolve_UnknownCommandOfAKnownPalette_ListsThatPalettesCommands()
    {
        var (_, error) = Resolve("cluster", "sharding");
        Assert.Equal(OpsExitCodes.Usage, error!.ExitCode);
        Assert.Contains("cluster show | cluster status", error.Frames[0].Usage);
        Assert.Contains("cluster join [address]", error.Frames[0].Usage);
    }

    [Theory]
    [InlineData("cluster down", new[] { "a", "b" }, "usage: pbm [HOST:PORT] cluster down [address] [-a|--address ADDRESS]")]
    [InlineData("cluster join", new[] { "a", "b" }, "usage: pbm [HOST:PORT] cluster join [address] [-a|--address ADDRESS]")]
    [InlineData("gateway routes", new[] { "a", "b" }, "usage: pbm [HOST:PORT] gateway routes [id]")]
    [InlineData("cluster show", new[] { "extra" }, "usage: pbm [HOST:PORT] cluster show")]
    public void Resolve_WrongArgumentCount_IsAUsageErrorWithTheCommandsUsage(string command, string[] args, string usage)
    {
        var (_, error) = Resolve(command, args);
        Assert.Equal(OpsExitCodes.Usage, error!.ExitCode);
        Assert.Equal(usage, error.Frames[0].Usage);
        Assert.Contains("argument", error.Frames[0].Message);
    }

    [Fact]
    public void Resolve_NoWords_IsAUsageError()
    {
        var (_, error) = Resolve("   ");
        Assert.Equal(OpsExitCodes.Usage, error!.ExitCode);
        Assert.Equal("no command given", error.Frames[0].Message);
    }

    [Fact]
    public void Catalog_EveryCommandRunsOneWayAndHasAUniqueName()
    {
        var commands = Catalog.Palettes.SelectMany(p => p.Commands).ToArray();
        Assert.All(commands, c => Assert.True(c.Run is null != (c.Actor is null), c.Name));
        Assert.All(commands, c => Assert.True(c.MinArgs <= c.MaxArgs, c.Name));
        Assert.All(Catalog.Palettes, p => Assert.All(p.Commands, c => Assert.True(c.Words[0] == p.Name || p.Name == "help", c.Name)));
        Assert.Equal(commands.Length, commands.Select(c => c.Name).Distinct().Count());
        Assert.Equal(["cluster tail", "log tail"], commands.Where(c => c.Streaming).Select(c => c.Name).Order());
    }

    [Fact]
    public void Help_WithPalette_ListsOnlyItsCommands()
    {
        var result = CorePalette.Help(Catalog, "log");
        var table = Assert.Single(result.Frames);
        Assert.Equal(["command", "summary"], table.Columns!.Value.ToArray());
        Assert.Equal(["log peek [n]", "log tail"], table.Rows!.Value.Select(r => r[0]));
        Assert.Contains("streams until Ctrl+C", table.Rows!.Value[1][1]);
    }

    [Fact]
    public void Help_ForVersion_ListsTheVersionCommand() =>
        Assert.Equal(["version"], CorePalette.Help(Catalog, "VERSION").Frames.Single().Rows!.Value.Select(r => r[0]));

    [Fact]
    public void Help_WithoutPalette_ListsEveryCommand()
    {
        var table = CorePalette.Help(Catalog, null).Frames.Single();
        Assert.Equal(Catalog.Palettes.Sum(p => p.Commands.Length), table.Rows!.Value.Length);
    }

    [Fact]
    public void Help_UnknownPalette_IsAUsageError()
    {
        var result = CorePalette.Help(Catalog, "nope");
        Assert.Equal(OpsExitCodes.Usage, result.ExitCode);
        Assert.Contains("unknown palette 'nope'", result.Frames[0].Message);
    }
}
