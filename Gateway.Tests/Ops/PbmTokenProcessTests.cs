using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Ops;

/// <summary>pbm against a node process whose ops host binds 0.0.0.0 with a token; and a node that has no token for such a bind.</summary>
[Trait("Category", "Process")]
public sealed class PbmTokenProcessTests
{
    private const string Token = "proc-ops-token-7f3a";

    [Fact]
    public async Task NonLoopbackOps_ConnectionWithoutToken_IsRefused_WithTokenRuns()
    {
        int ingress = FreePort.NextStable(), admin = FreePort.NextStable(), ops = FreePort.NextStable();
        using var node = NodeProcess.Start(
            "--set", "gateway.ingress.hostname=127.0.0.1", "--set", $"gateway.ingress.port={ingress}",
            "--set", $"gateway.admin.port={admin}", "--set", $"gateway.sample.echo-port={FreePort.NextStable()}",
            "--set", "gateway.ops.hostname=0.0.0.0", "--set", $"gateway.ops.port={ops}", "--set", $"gateway.ops.token={Token}",
            "--set", "akka.remote.dot-netty.tcp.port=0");
        using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) }) await Node.NodeProcessTests.WaitReadyAsync(client, admin, node);
        var target = $"127.0.0.1:{ops}";

        var refused = await PbmProcess.RunAsync([target, "cluster", "show"]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("unauthorized", refused.Stderr);
        Assert.DoesNotContain("akka.tcp://", refused.Stdout);

        var wrong = await PbmProcess.RunAsync([target, "--token", "nope", "cluster", "show"]);
        Assert.Equal(1, wrong.ExitCode);

        var withFlag = await PbmProcess.RunAsync([target, "--token", Token, "cluster", "show"]);
        Assert.True(withFlag.ExitCode == 0, withFlag.Stderr);
        Assert.Contains(" Up ", withFlag.Stdout);

        var withEnv = await PbmProcess.RunAsync([target, "cluster", "leader"], environment: new Dictionary<string, string> { ["PBM_TOKEN"] = Token });
        Assert.True(withEnv.ExitCode == 0, withEnv.Stderr);

        Assert.Contains("refused: no token", node.Output);
        Assert.Contains("refused: wrong token", node.Output);
        Assert.DoesNotContain(Token, node.Output);
    }

    [Fact]
    public void NonLoopbackOps_WithoutToken_NodeRefusesToStart()
    {
        using var node = NodeProcess.Start("--set", "gateway.ops.hostname=0.0.0.0", "--set", $"gateway.ops.port={FreePort.NextStable()}",
            "--set", "akka.remote.dot-netty.tcp.port=0");
        Assert.Equal(2, node.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Contains("gateway.ops.token: required when gateway.ops.hostname ('0.0.0.0') is not a loopback address", node.Output);
    }
}
