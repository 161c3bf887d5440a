using Gateway.Actors.Ops;
using Gateway.Protocol.Ops;
using Xunit;

namespace Gateway.Tests.Ops;

public sealed class CachePaletteTests
{
    [Theory]
    [InlineData(new[] { "/api/" }, "/api/", null)]
    [InlineData(new[] { "--key", "/api/users?page=2" }, null, "/api/users?page=2")]
    public void ParsePurge_PrefixOrKey(string[] args, string? prefix, string? key)
    {
        var (purge, error) = CachePalette.ParsePurge(args);
        Assert.Null(error);
        Assert.Equal((prefix, key), (purge!.Prefix, purge.Target));
    }

    [Theory]
    [InlineData(new[] { "api" }, "must start with '/'")]
    [InlineData(new[] { "--key" }, "give a path prefix")]
    [InlineData(new[] { "--key", "users" }, "must start with '/'")]
    [InlineData(new[] { "/a", "/b" }, "give a path prefix")]
    public void ParsePurge_Invalid_SaysWhy(string[] args, string message)
    {
        var (purge, error) = CachePalette.ParsePurge(args);
        Assert.Null(purge);
        Assert.Contains(message, error);
    }

    [Fact]
    public void Catalog_ResolvesCachePurge_WithItsArguments()
    {
        var (invocation, error) = OpsCatalog.Default.Resolve(new OpsRequest { Command = "gateway cache purge", Args = ["--key", "/a?b=1"] }, CancellationToken.None);
        Assert.Null(error);
        Assert.Equal("gateway cache purge", invocation!.Command.Name);
        Assert.Equal(["--key", "/a?b=1"], invocation.Args.ToArray());
    }
}
