using System.Text.Json;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Ops;

/// <summary>The pbm client as a process against a real node process: output, exit codes, streaming and Ctrl+C, interactive mode.</summary>
[Trait("Category", "Process")]
public sealed class PbmProcessTests(PbmNodeFixture node) : IClassFixture<PbmNodeFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private Task<(int ExitCode, string Stdout, string Stderr)> Pbm(params string[] command) =>
        PbmProcess.RunAsync([node.Target, .. command]);

    [Fact]
    public async Task ClusterShow_ListsTheNodeAsUp()
    {
        var (exit, stdout, stderr) = await Pbm("cluster", "show");
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ADDRESS", lines[0]);
        var member = Assert.Single(lines, l => l.StartsWith("akka.tcp://gateway@127.0.0.1:"));
        Assert.Equal(["Up", "-", "yes", "yes", "yes"], member.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]);
    }

    [Fact]
    public async Task ClusterShow_Json_PrintsTableRowsAsObjects()
    {
        var (exit, stdout, _) = await PbmProcess.RunAsync([node.Target, "--json", "cluster", "show"]);
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout.Trim());
        Assert.Equal("table", json.RootElement.GetProperty("type").GetString());
        var row = json.RootElement.GetProperty("rows")[0];
        Assert.Equal("Up", row.GetProperty("status").GetString());
        Assert.True(row.GetProperty("self").GetBoolean());
    }

    [Fact]
    public async Task GatewayRoutes_ListsTheConfiguredRoute()
    {
        var (exit, stdout, stderr) = await Pbm("gateway", "routes");
        Assert.True(exit == 0, stderr);
        var route = Assert.Single(stdout.Split('\n'), l => l.StartsWith("orders "));
        var cells = route.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["orders", "api.example.com", "GET", "/orders/{id}", "backend"], cells[..5]);
        Assert.True(long.Parse(cells[5]) >= 1, $"version {cells[5]}: a route accepted by its owner has a version");

        var (detailExit, detail, _) = await Pbm("gateway", "routes", "orders");
        Assert.Equal(0, detailExit);
        Assert.Contains("upstream  backend", detail);
    }

    [Fact]
    public async Task GatewayUpstreams_ShowsEndpointsWeightsAndBalancing()
    {
        var (exit, stdout, stderr) = await Pbm("gateway", "upstreams", "backend");
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n');
        Assert.Equal(["backend", "weighted", "2", "0", "0", "1024", "1024"],
            lines.Single(l => l.StartsWith("backend ") && l.Contains("weighted")).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["backend", "http://127.0.0.1:9", "3", "0", "closed", "yes"],
            lines.Single(l => l.Contains("http://127.0.0.1:9 ")).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(lines, l => l.Contains("http://127.0.0.1:10 "));
    }

    [Fact]
    public async Task UnknownCommand_Exits2WithAUsageLine()
    {
        var (exit, stdout, stderr) = await Pbm("frobnicate", "now");
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("error: unknown command 'frobnicate now'", stderr);
        Assert.Contains("usage: pbm [HOST:PORT] <command>", stderr);
    }

    [Theory]
    [InlineData("cluster join not-an-address", "usage: pbm [HOST:PORT] cluster join <address>")]
    [InlineData("log peek zero", "usage: pbm [HOST:PORT] log peek [n]")]
    [InlineData("gateway routes a b", "usage: pbm [HOST:PORT] gateway routes [id]")]
    public async Task BadArguments_Exit2WithTheCommandsUsage(string command, string usage)
    {
        var (exit, _, stderr) = await Pbm(command.Split(' '));
        Assert.Equal(2, exit);
        Assert.Contains(usage, stderr);
    }

    [Fact]
    public async Task FailedCommand_Exits1()
    {
        var (exit, _, stderr) = await Pbm("gateway", "routes", "nope");
        Assert.Equal(1, exit);
        Assert.Contains("no route 'nope'", stderr);
    }

    [Fact]
    public async Task NothingListening_Exits1()
    {
        var (exit, _, stderr) = await PbmProcess.RunAsync([$"127.0.0.1:{FreePort.Next()}", "version"]);
        Assert.Equal(1, exit);
        Assert.Contains("cannot connect to 127.0.0.1:", stderr);
    }

    [Theory]
    [InlineData("localhost: cluster show", "'localhost:' is not HOST:PORT")]
    [InlineData("127.0.0.1:9110 --token", "--token needs a value")]
    public async Task BadHost_Exits2WithUsage(string args, string message)
    {
        var (exit, _, stderr) = await PbmProcess.RunAsync(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2, exit);
        Assert.Contains(message, stderr);
        Assert.Contains("usage: pbm [HOST:PORT]", stderr);
    }

    [Fact]
    public async Task ClusterTail_CtrlC_StopsTheStreamAndExits0()
    {
        using var tail = PbmProcess.Start([node.Target, "cluster", "tail"]);
        await tail.WaitForLineAsync("MemberUp", Wait);
        await WaitForHierarchyAsync(lines => lines.Any(l => l.TrimStart().StartsWith("tail-")));

        tail.Interrupt();
        Assert.Equal(0, await tail.WaitForExitAsync(Wait));
        Assert.Empty(tail.Stderr);
        await WaitForHierarchyAsync(lines => !lines.Any(l => l.TrimStart().StartsWith("tail-")));
    }

    [Fact]
    public async Task LogTail_ShowsNewEvents_CtrlCExits0()
    {
        using var tail = PbmProcess.Start([node.Target, "log", "tail"]);
        await WaitForHierarchyAsync(lines => lines.Any(l => l.TrimStart().StartsWith("tail-")));
        Assert.Equal(0, (await Pbm("cluster", "status")).ExitCode);
        await tail.WaitForLineAsync("Ops command 'cluster status'", Wait);

        tail.Interrupt();
        Assert.Equal(0, await tail.WaitForExitAsync(Wait));
        Assert.Empty(tail.Stderr);
    }

    [Fact]
    public async Task Interactive_HelpHistoryAndExit()
    {
        var (exit, stdout, stderr) = await PbmProcess.RunAsync([node.Target], stdin: "help log\ncluster leader\nbogus\nhistory\nexit\nversion\n");
        Assert.Equal(0, exit);
        Assert.Contains($"pbm {node.Target}> ", stdout);
        Assert.Contains("log peek [n]", stdout);
        Assert.Contains("akka.tcp://gateway@127.0.0.1:", stdout);
        Assert.Contains("error: unknown command 'bogus'", stderr);
        Assert.Contains("   1  help log", stdout);
        Assert.Contains("   3  bogus", stdout);
        Assert.DoesNotContain("akka.net", stdout); // 'version' came after 'exit'
    }

    private async Task WaitForHierarchyAsync(Func<string[], bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        var stdout = "";
        while (DateTime.UtcNow < deadline)
        {
            (_, stdout, _) = await Pbm("actor", "hierarchy");
            if (condition(stdout.Split('\n'))) return;
            await Task.Delay(200);
        }
        Assert.Fail("actor hierarchy never reached the expected state:\n" + stdout + "\nnode:\n" + node.NodeOutput);
    }
}
