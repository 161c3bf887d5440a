using System.Net;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Node;

/// <summary>The README's sample, followed literally: <c>--config hocon/routes.sample.conf</c> answers what the README says.</summary>
[Trait("Category", "Process")]
public sealed class SampleRoutesProcessTests
{
    [Fact]
    public async Task RoutesSample_RunsAsShipped_OnItsOwnEchoUpstream()
    {
        int ingress = FreePort.Next(), admin = FreePort.Next(), echo = FreePort.Next();
        var sample = Path.Combine(Protocol.Configuration.GatewayDefinitionsTests.RepoRoot(), "hocon", "routes.sample.conf");
        using var node = NodeProcess.Start("--config", sample, "--set", "gateway.ingress.hostname=127.0.0.1",
            "--set", $"gateway.ingress.port={ingress}", "--set", $"gateway.admin.port={admin}", "--set", $"gateway.sample.echo-port={echo}",
            "--set", "gateway.ops.port=0", "--set", "akka.remote.dot-netty.tcp.port=0");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await NodeProcessTests.WaitReadyAsync(client, admin, node);
        var url = $"http://127.0.0.1:{ingress}";
        Assert.Contains("gateway: data directory ", node.Output);

        using var items = new HttpRequestMessage(HttpMethod.Get, $"{url}/catalog/items/42") { Headers = { Host = "api.example.com" } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(items)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{url}/catalog/anything")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"{url}/users/1")).StatusCode);
        using var withKey = new HttpRequestMessage(HttpMethod.Get, $"{url}/users/1") { Headers = { { "X-Api-Key", "demo-key" } } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(withKey)).StatusCode);
    }
}
