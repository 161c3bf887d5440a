using Gateway.Protocol.Ops;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Ops;

/// <summary>An ops host bound to 0.0.0.0 with a token: connections without it (or with another) are refused and logged without the value.</summary>
public sealed class OpsTokenTests : IAsyncLifetime
{
    private const string Token = "s3cret-ops-token";
    private TestGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await TestGateway.StartAsync($$"""
        logging.level = Information
        ops { hostname = "0.0.0.0", token = "{{Token}}" }
        """);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("guessed-token")]
    public async Task Request_WithoutTheToken_IsRefusedAndTheConnectionClosed(string? token)
    {
        using var connection = await OpsTestConnection.OpenAsync(_gateway.OpsPort);
        var frames = await connection.RunAsync("cluster show", token);
        Assert.Equal(2, frames.Count);
        Assert.StartsWith("unauthorized", frames[0].Message);
        Assert.Equal(OpsExitCodes.Failed, frames[1].ExitCode);
        Assert.Null(await connection.ReadFrameAsync());
    }

    [Fact]
    public async Task Refusals_AreLoggedWithoutTheTokenValue()
    {
        using (var none = await OpsTestConnection.OpenAsync(_gateway.OpsPort)) await none.RunAsync("version");
        using (var wrong = await OpsTestConnection.OpenAsync(_gateway.OpsPort)) await wrong.RunAsync("version", "guessed-token");

        using var connection = await OpsTestConnection.OpenAsync(_gateway.OpsPort);
        var log = await connection.RunAsync("log peek", Token, "200");
        var lines = log.Where(f => f.Text is not null).Select(f => f.Text!).ToArray();
        Assert.Contains(lines, l => l.Contains("refused: no token"));
        Assert.Contains(lines, l => l.Contains("refused: wrong token"));
        Assert.DoesNotContain(lines, l => l.Contains("guessed-token") || l.Contains(Token));
        Assert.Equal(OpsExitCodes.Ok, log[^1].ExitCode);
    }
}
