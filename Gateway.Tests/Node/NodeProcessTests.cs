using System.Net;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Node;

/// <summary>The README's run command as a real process: the sample node answers at once; bad config exits 2 naming the field.</summary>
[Trait("Category", "Process")]
public sealed class NodeProcessTests
{
    [Fact]
    public async Task SampleNode_WithoutConfig_RoutesDemoToItsEchoUpstream()
    {
        using var node = NodeProcess.StartSample(out var ingress, out var admin);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await WaitReadyAsync(client, admin, node);

        using var response = await client.GetAsync($"http://127.0.0.1:{ingress}/demo/hello");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"path\":\"/demo/hello\"", await response.Content.ReadAsStringAsync());
        Assert.Equal("true", response.Headers.GetValues("X-Gateway-Sample").Single());
    }

    [Fact]
    public void Node_WithInvalidRoutes_Exits2AndNamesTheField()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """
                gateway {
                  upstreams = [ { name = u, endpoints = [ "http://127.0.0.1:1" ] } ]
                  routes = [ { id = r, path = "/a/{**b}/c", upstream = missing } ]
                }
                """);
            using var node = NodeProcess.Start("--config", file, "--set", "akka.remote.dot-netty.tcp.port=0");
            Assert.Equal(2, node.WaitForExit(TimeSpan.FromSeconds(60)));
            Assert.Contains("gateway.routes[0].path", node.Output);
            Assert.Contains("catch-all must be last", node.Output);
            Assert.Contains("upstream 'missing' does not exist", node.Output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Node_WithAFlagThatIsNotOnOrOff_Exits2AndNamesTheKey()
    {
        using var node = NodeProcess.StartSample(out _, out _, "--set", "gateway.ingress.inline-completions=maybe");
        Assert.Equal(2, node.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Contains("gateway.ingress.inline-completions: 'maybe' is not on or off", node.Output);
        Assert.DoesNotContain("Unhandled exception", node.Output);
    }

    [Fact]
    public void Node_WithUnknownArgument_Exits2WithUsage()
    {
        using var node = NodeProcess.Start("--frobnicate");
        Assert.Equal(2, node.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Contains("Usage", node.Output);
    }

    internal static async Task WaitReadyAsync(HttpClient client, int adminPort, NodeProcess node)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (node.Process.HasExited) throw new InvalidOperationException($"node exited early:\n{node.Output}");
            try
            {
                using var ready = await client.GetAsync($"http://127.0.0.1:{adminPort}/readyz");
                if (ready.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"node not ready within 60 s:\n{node.Output}");
    }
}
