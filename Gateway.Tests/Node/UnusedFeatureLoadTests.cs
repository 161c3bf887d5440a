namespace Gateway.Tests.Node;

/// <summary>
/// A node pays in memory only for what its config uses (issue 12): with no tracing endpoint, no JWT policy and no MVC,
/// the process maps none of OpenTelemetry's, IdentityModel's or MVC's assemblies, nor those System.Configuration loads to
/// read an App.config, nor Newtonsoft.Json (Akka's JSON fallback, built on first use), read from its /proc/PID/maps. And in
/// CPU: .NET's per-request meters are exported (and so recorded per request) only when the config asks for them.
/// </summary>
[Trait("Category", "Process")]
public sealed class UnusedFeatureLoadTests
{
    [Fact]
    public async Task Node_WithoutTracingJwtOrMvc_MapsNoneOfTheirAssemblies()
    {
        using var node = NodeProcess.StartSample(out var ingress, out var admin);
        var metrics = await ScrapeAfterTrafficAsync(node, ingress, admin);
        Assert.Contains("gateway_requests_total{", metrics);
        Assert.Contains("system_runtime_dotnet_gc_heap_total_allocated", metrics);
        Assert.Contains("kestrel_active_connections", metrics);
        Assert.DoesNotContain("http_client_request_duration", metrics);
        Assert.DoesNotContain("http_server_request_duration", metrics);
        Assert.DoesNotContain("memory_pool_rented", metrics);
        // The event counter adapter is not started (it exported nothing, and its enabled event sources ran their
        // per-request event paths); the process series it did not provide stay.
        Assert.DoesNotContain("prometheus_net_eventcounteradapter", metrics);
        Assert.Contains("process_cpu_seconds_total", metrics);

        var maps = await File.ReadAllLinesAsync($"/proc/{node.Process.Id}/maps");
        var mapped = maps.Select(l => Path.GetFileName(l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(5).FirstOrDefault() ?? ""))
            .Where(f => f.EndsWith(".dll", StringComparison.Ordinal)).ToHashSet();
        Assert.Contains("Gateway.Node.dll", mapped);
        Assert.DoesNotContain(mapped, f => f.StartsWith("OpenTelemetry", StringComparison.Ordinal));
        Assert.DoesNotContain(mapped, f => f.StartsWith("Microsoft.IdentityModel", StringComparison.Ordinal));
        Assert.DoesNotContain("Microsoft.AspNetCore.Mvc.Core.dll", mapped);
        // Akka asks System.Configuration for an App.config the node never has; the file-less configuration system
        // (AppConfigFile) answers, so the machine and exe configuration records, which loaded this (and, before the
        // first scrape, System.Diagnostics.Process and the XML parser's reader), are never built.
        Assert.DoesNotContain("System.Net.WebClient.dll", mapped);
        // Akka's JSON fallback serializer is built on first use (OnDemandJsonSerializer): no message of this node needs
        // it, so Newtonsoft.Json is never loaded.
        Assert.DoesNotContain("Newtonsoft.Json.dll", mapped);
        // The node's host is built empty, not slim: no appsettings.json, environment or console-logger setup it would
        // only undo (the node reads HOCON and logs through Serilog).
        Assert.DoesNotContain("Microsoft.Extensions.Logging.Console.dll", mapped);
        Assert.DoesNotContain("Microsoft.Extensions.Configuration.Json.dll", mapped);
    }

    [Fact]
    public async Task Node_WithDotnetRequestMetersOn_ExportsHttpServerAndClientSeries()
    {
        using var node = NodeProcess.StartSample(out var ingress, out var admin, "--set", "gateway.metrics.dotnet-request-meters=on");
        var metrics = await ScrapeAfterTrafficAsync(node, ingress, admin);
        Assert.Contains("http_client_request_duration", metrics);
        Assert.Contains("http_server_request_duration", metrics);
        Assert.Contains("gateway_requests_total{", metrics);
    }

    /// <summary>
    /// Once the node is ready: a proxied request, a scrape (which starts prometheus-net's adapters), then a request on a
    /// new connection and the scrape read: the request path and /metrics have run, and the adapters have seen a request
    /// and a connection.
    /// </summary>
    private static async Task<string> ScrapeAfterTrafficAsync(NodeProcess node, int ingress, int admin)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await NodeProcessTests.WaitReadyAsync(client, admin, node);
        using (var response = await client.GetAsync($"http://127.0.0.1:{ingress}/demo/hello"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var first = await client.GetAsync($"http://127.0.0.1:{admin}/metrics"))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var other = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        using (var response = await other.GetAsync($"http://127.0.0.1:{ingress}/demo/hello"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await client.GetStringAsync($"http://127.0.0.1:{admin}/metrics");
    }
}
