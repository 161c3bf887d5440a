namespace Gateway.Tests.Node;

/// <summary>
/// A node pays in memory only for what its config uses (issue 12): with no tracing endpoint, no JWT policy and no MVC,
/// the process maps none of OpenTelemetry's, IdentityModel's or MVC's assemblies, read from its /proc/PID/maps.
/// </summary>
[Trait("Category", "Process")]
public sealed class UnusedFeatureLoadTests
{
    [Fact]
    public async Task Node_WithoutTracingJwtOrMvc_MapsNoneOfTheirAssemblies()
    {
        int ingress = FreePort.NextStable(), admin = FreePort.NextStable(), echo = FreePort.NextStable();
        using var node = NodeProcess.Start(
            "--set", $"gateway.ingress.port={ingress}", "--set", "gateway.ingress.hostname=127.0.0.1",
            "--set", $"gateway.admin.port={admin}", "--set", $"gateway.sample.echo-port={echo}",
            "--set", "akka.remote.dot-netty.tcp.port=0");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await NodeProcessTests.WaitReadyAsync(client, admin, node);
        // A proxied request and a scrape: the request path and /metrics have run, not only the start-up.
        using (var response = await client.GetAsync($"http://127.0.0.1:{ingress}/demo/hello"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var metrics = await client.GetAsync($"http://127.0.0.1:{admin}/metrics"))
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);

        var maps = await File.ReadAllLinesAsync($"/proc/{node.Process.Id}/maps");
        var mapped = maps.Select(l => Path.GetFileName(l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(5).FirstOrDefault() ?? ""))
            .Where(f => f.EndsWith(".dll", StringComparison.Ordinal)).ToHashSet();
        Assert.Contains("Gateway.Node.dll", mapped);
        Assert.DoesNotContain(mapped, f => f.StartsWith("OpenTelemetry", StringComparison.Ordinal));
        Assert.DoesNotContain(mapped, f => f.StartsWith("Microsoft.IdentityModel", StringComparison.Ordinal));
        Assert.DoesNotContain("Microsoft.AspNetCore.Mvc.Core.dll", mapped);
    }
}
