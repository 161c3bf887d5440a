using Gateway.Protocol.Ops;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Ops;

/// <summary>The ops host of an in-process node over real TCP: framing, sequencing, streams and their cancellation.</summary>
public sealed class OpsProtocolTests : IAsyncLifetime
{
    private TestGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await TestGateway.StartAsync("""
        logging.level = Information
        upstreams = [ { name = backend, endpoints = [ { url = "http://127.0.0.1:9", weight = 2 } ] } ]
        routes = [ { id = orders, path = "/orders/{id}", methods = [GET], upstream = backend } ]
        """);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Connection_RunsRequestsOneAfterAnother()
    {
        using var connection = await OpsTestConnection.OpenAsync(_gateway.OpsPort);
        var version = await connection.RunAsync("version");
        Assert.Contains(version[0].Rows!.Value, r => r[0] == "akka.net");
        Assert.Equal(OpsExitCodes.Ok, version[^1].ExitCode);

        var routes = await connection.RunAsync("gateway", null, "routes");
        var route = routes[0].Rows!.Value.Single();
        Assert.Equal(["orders", "*", "GET", "/orders/{id}", "backend"], route.Take(5));
        Assert.True(long.Parse(route[5]) >= 1, $"version {route[5]}: a route accepted by its owner has a version");
        Assert.Equal(OpsExitCodes.Ok, routes[^1].ExitCode);
    }

    [Fact]
    public async Task UnknownCommand_ErrorFrameWithUsage_ThenEnd2()
    {
        using var connection = await OpsTestConnection.OpenAsync(_gateway.OpsPort);
        var frames = await connection.RunAsync("gateway frob");
        Assert.Equal(2, frames.Count);
        Assert.Equal((OpsFrameTypes.Error, OpsExitCodes.Usage), (frames[0].Type, frames[0].ExitCode));
        Assert.Equal("usage: pbm [HOST:PORT] gateway routes [id] | gateway routes apply <file> | gateway routes delete <id> | gateway config dump | gateway config diff <file> [--exit-code] | gateway config sync <file> [--prune] [--dry-run] | gateway upstreams [name] | gateway breakers | gateway stats | gateway ratelimits [route] | gateway drain", frames[0].Usage);
        Assert.Equal((OpsFrameTypes.End, OpsExitCodes.Usage), (frames[1].Type, frames[1].ExitCode));
    }

    [Fact]
    public async Task NotJson_ErrorThenTheConnectionIsClosed()
    {
        using var connection = await OpsTestConnection.OpenAsync(_gateway.OpsPort);
        await connection.SendLineAsync("cluster show");
        var frames = await connection.ReadToEndFrameAsync();
        Assert.Equal(OpsExitCodes.Usage, frames[^1].ExitCode);
        Assert.Contains("not a valid frame", frames[0].Message);
        Assert.Null(await connection.ReadFrameAsync());
    }

    [Fact]
    public async Task LogTail_CancelFrame_EndsWith0_AndTheConnectionServesTheNextRequest()
    {
        using var tail = await OpsTestConnection.OpenAsync(_gateway.OpsPort);
        await tail.SendAsync(new OpsRequest { Command = "log tail" });
        await WaitForChildAsync("tail-");

        // Every command is logged (an audit line), so a command on another connection shows up in the tail.
        using (var other = await OpsTestConnection.OpenAsync(_gateway.OpsPort)) await other.RunAsync("gateway stats");
        OpsFrame? frame;
        do frame = await tail.ReadFrameAsync();
        while (frame is not null && frame.Text?.Contains("Ops command 'gateway stats'") != true);
        Assert.NotNull(frame);

        await tail.SendAsync(OpsRequest.CancelFrame);
        var rest = await tail.ReadToEndFrameAsync();
        Assert.Equal(OpsExitCodes.Ok, rest[^1].ExitCode);
        Assert.DoesNotContain(rest, f => f.Type == OpsFrameTypes.Error);

        var leader = await tail.RunAsync("cluster leader");
        Assert.StartsWith("akka.tcp://gateway@127.0.0.1:", leader[0].Text);
        await WaitForChildGoneAsync("tail-");
    }

    [Fact]
    public async Task ClusterTail_ClientClosesTheConnection_StreamStops()
    {
        var tail = await OpsTestConnection.OpenAsync(_gateway.OpsPort);
        await tail.SendAsync(new OpsRequest { Command = "cluster tail" });
        var first = await tail.ReadFrameAsync();
        Assert.Contains("MemberUp", first!.Text);
        await WaitForChildAsync("tail-");

        tail.Dispose();
        await WaitForChildGoneAsync("tail-");
    }

    private async Task WaitForChildAsync(string prefix) => await WaitForHierarchyAsync(lines => lines.Any(l => l.TrimStart().StartsWith(prefix)));

    private async Task WaitForChildGoneAsync(string prefix) => await WaitForHierarchyAsync(lines => !lines.Any(l => l.TrimStart().StartsWith(prefix)));

    private async Task WaitForHierarchyAsync(Func<string[], bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string[] lines = [];
        while (DateTime.UtcNow < deadline)
        {
            using var connection = await OpsTestConnection.OpenAsync(_gateway.OpsPort);
            lines = [.. (await connection.RunAsync("actor hierarchy")).Where(f => f.Text is not null).Select(f => f.Text!)];
            if (condition(lines)) return;
            await Task.Delay(100);
        }
        Assert.Fail("actor hierarchy never reached the expected state:\n" + string.Join("\n", lines));
    }
}
