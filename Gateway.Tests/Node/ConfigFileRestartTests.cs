using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Node;

/// <summary>
/// A node's <c>--config</c> file is a change set, at start as while running: a restart with the unchanged file keeps an
/// admin API edit, a file edited while the node was down is applied at start, and a definition removed from it is deleted.
/// </summary>
[Trait("Category", "Process")]
public sealed class ConfigFileRestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Restart_AppliesOnlyWhatChangedInTheFile_AdminEditsStand()
    {
        await using var upstream = await TestUpstream.StartAsync(context => context.Response.WriteAsync("up " + context.Request.Path));
        var dir = Directory.CreateTempSubdirectory("gateway-restart-");
        var file = Path.Combine(dir.FullName, "node.conf");
        int ingress = FreePort.Next(), admin = FreePort.Next();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        string Ingress(string path) => $"http://127.0.0.1:{ingress}{path}";
        string Admin(string path) => $"http://127.0.0.1:{admin}{path}";
        string Config(string routes) => $$"""
            gateway {
              upstreams = [ { name = u, endpoints = [ "{{upstream.Url}}" ] } ]
              routes = [ {{routes}} ]
            }
            """;
        NodeProcess? node = null;
        async Task StartAsync()
        {
            node = NodeProcess.Start(new Dictionary<string, string> { ["GATEWAY_DATA_DIR"] = Path.Combine(dir.FullName, "data") },
                "--config", file, "--set", $"gateway.ingress.port={ingress}", "--set", "gateway.ingress.hostname=127.0.0.1",
                "--set", $"gateway.admin.port={admin}", "--set", "akka.remote.dot-netty.tcp.port=0");
            await NodeProcessTests.WaitReadyAsync(client, admin, node);
        }
        void Stop()
        {
            node!.SigTerm();
            Assert.Equal(0, node.WaitForExit(Timeout));
            output.WriteLine(string.Join("\n", node.Output.Split('\n').Where(l => l.Contains("Config file") || l.Contains("config file"))));
            node.Dispose();
        }
        try
        {
            await File.WriteAllTextAsync(file, Config("""{ id = r, path = "/file/{**rest}", upstream = u }"""));
            await StartAsync();
            await Eventually.StatusAsync(client, Ingress("/file/x"), HttpStatusCode.OK, Timeout);
            // At Information, a change set is one line; the route table's publications are Debug.
            Assert.Single(node!.Output.Split('\n'), l => l.Contains("Config file change set applied: 2 changes (0 refused)"));
            Assert.DoesNotContain("Route table", node.Output);

            // The operator moves the route through the admin API (version 2), then restarts the node with the same file.
            using (var put = await client.PutAsync(Admin("/admin/routes/r"), new StringContent("""{"path":"/edited/{**rest}","upstream":"u"}""", Encoding.UTF8, "application/json")))
                Assert.True(put.IsSuccessStatusCode, $"PUT: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
            await Eventually.StatusAsync(client, Ingress("/edited/x"), HttpStatusCode.OK, Timeout);
            Stop();
            await StartAsync();
            using (var served = await client.GetAsync(Ingress("/edited/x"))) Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            using (var old = await client.GetAsync(Ingress("/file/x"))) Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
            Assert.Equal(2, await VersionAsync(client, Admin("/admin/routes/r")));
            Assert.Contains("Config file unchanged since this node last applied it", node!.Output);

            // Edited while the node is down: the route moves again and a second route appears, at start.
            Stop();
            await File.WriteAllTextAsync(file, Config("""
                { id = r, path = "/changed/{**rest}", upstream = u }
                { id = s, path = "/second/{**rest}", upstream = u }
                """));
            await StartAsync();
            using (var changed = await client.GetAsync(Ingress("/changed/x"))) Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            using (var second = await client.GetAsync(Ingress("/second/x"))) Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            using (var edited = await client.GetAsync(Ingress("/edited/x"))) Assert.Equal(HttpStatusCode.NotFound, edited.StatusCode);
            Assert.Equal(3, await VersionAsync(client, Admin("/admin/routes/r")));

            // Removed from the file while the node is down: deleted at start; the route still named keeps its version.
            Stop();
            await File.WriteAllTextAsync(file, Config("""{ id = r, path = "/changed/{**rest}", upstream = u }"""));
            await StartAsync();
            using (var second = await client.GetAsync(Ingress("/second/x"))) Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
            using (var missing = await client.GetAsync(Admin("/admin/routes/s"))) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal(3, await VersionAsync(client, Admin("/admin/routes/r")));
        }
        finally
        {
            node?.Dispose();
            dir.Delete(recursive: true);
        }
    }

    private static async Task<long> VersionAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("version").GetInt64();
    }
}
