using System.Net;
using System.Text.Json;
using Gateway.Tests.EndToEnd;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Ops;

/// <summary>
/// <c>gateway routes apply|delete</c> and <c>gateway ratelimits</c> through the pbm process against a real node process:
/// what is printed, the exit codes, and what the node serves afterwards.
/// </summary>
[Trait("Category", "Process")]
public sealed class PbmConfigProcessTests(PbmNodeFixture node) : IClassFixture<PbmNodeFixture>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pbm-apply-");
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };

    private Task<(int ExitCode, string Stdout, string Stderr)> Pbm(params string[] command) =>
        PbmProcess.RunAsync([node.Target, .. command]);

    [Fact]
    public async Task RoutesApply_HoconFile_CreatesThenLeavesUnchanged_AndTheRouteServes()
    {
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        var file = Write("apply.conf", $$"""
            gateway {
              upstreams = [ { name = applied, endpoints = [ "{{upstream.Url}}" ] } ]
              routes = [ { id = applied, path = "/applied/{**rest}", upstream = applied } ]
            }
            """);

        var (exit, stdout, stderr) = await Pbm("gateway", "routes", "apply", file);
        Assert.True(exit == 0, stderr);
        Assert.Equal(["upstream", "applied", "created", "1"], Cells(stdout, "upstream "));
        Assert.Equal(["route", "applied", "created", "1"], Cells(stdout, "route "));
        Assert.Contains("apply.conf: 2 definition(s) applied", stdout);
        // The owners answered once every node's replica had it; this node's table is compiled from it a moment later.
        await WaitForAsync(async () =>
        {
            using var served = await _client.GetAsync($"{node.IngressUrl}/applied/x");
            return served.StatusCode == HttpStatusCode.OK;
        });

        // The same file again: the owners keep their versions.
        (exit, stdout, _) = await Pbm("gateway", "routes", "apply", file);
        Assert.Equal(0, exit);
        Assert.Equal(["route", "applied", "unchanged", "1"], Cells(stdout, "route "));
    }

    [Fact]
    public async Task RoutesApply_JsonOntoAnExistingUpstream_UpdatesTheRoute()
    {
        var file = Write("routes.json", """{"routes":[{"id":"json-route","path":"/json/{**rest}","upstream":"backend","methods":["GET"]}]}""");
        Assert.Equal(0, (await Pbm("gateway", "routes", "apply", file)).ExitCode);
        File.WriteAllText(file, """[{"id":"json-route","path":"/json/{**rest}","upstream":"backend","methods":["GET","POST"]}]""");

        var (exit, stdout, stderr) = await Pbm("--json", "gateway", "routes", "apply", file);

        Assert.True(exit == 0, stderr);
        using var table = JsonDocument.Parse(stdout.Split('\n')[0]);
        var row = table.RootElement.GetProperty("rows")[0];
        Assert.Equal("updated", row.GetProperty("result").GetString());
        Assert.Equal(2, row.GetProperty("version").GetInt64());
        await WaitForAsync(async () => (await Pbm("gateway", "routes", "json-route")).Stdout.Contains("GET,POST"));
    }

    [Fact]
    public async Task RoutesApply_InvalidFile_PrintsEveryFieldError_Exits1_AndChangesNothing()
    {
        var (_, before, _) = await Pbm("gateway", "routes");
        var file = Write("bad.conf", """
            gateway.routes = [
              { id = good, path = "/good", upstream = backend }
              { id = bad, path = "/a/{**b}/c", upstream = nowhere }
            ]
            """);

        var (exit, stdout, stderr) = await Pbm("gateway", "routes", "apply", file);

        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        Assert.Contains("error: gateway.routes[1].path: path template '/a/{**b}/c': catch-all must be last", stderr);
        Assert.Contains("error: gateway.routes[1].upstream: upstream 'nowhere' does not exist", stderr);
        Assert.Contains("bad.conf: 2 error(s); nothing was applied", stderr);
        var (_, after, _) = await Pbm("gateway", "routes");
        Assert.Equal(before, after);
        Assert.DoesNotContain("good ", after);
    }

    [Fact]
    public async Task Interactive_RoutesApply_ReadsTheFileThere()
    {
        var file = Write("interactive.conf", """gateway.routes = [ { id = typed, path = "/typed", upstream = backend } ]""");

        var (exit, stdout, stderr) = await PbmProcess.RunAsync([node.Target], stdin: $"gateway routes apply \"{file}\"\nexit\n");

        Assert.True(exit == 0, stderr);
        Assert.Contains("interactive.conf: 1 definition(s) applied", stdout);
        Assert.Equal(["route", "typed", "created", "1"], Cells(stdout.Replace($"pbm {node.Target}> ", "\n"), "route "));
    }

    [Fact]
    public async Task RoutesApply_MissingFile_Exits1_WithoutAskingTheNode()
    {
        var (exit, _, stderr) = await Pbm("gateway", "routes", "apply", Path.Combine(_dir.FullName, "missing.conf"));
        Assert.Equal(1, exit);
        Assert.Contains("pbm: cannot read", stderr);
    }

    [Fact]
    public async Task RoutesDelete_RemovesTheRoute_UnknownIdExits1()
    {
        var file = Write("doomed.conf", """gateway.routes = [ { id = doomed, path = "/doomed", upstream = backend } ]""");
        Assert.Equal(0, (await Pbm("gateway", "routes", "apply", file)).ExitCode);

        var (exit, stdout, stderr) = await Pbm("gateway", "routes", "delete", "doomed");
        Assert.True(exit == 0, stderr);
        Assert.Contains("route 'doomed' deleted", stdout);
        await WaitForAsync(async () => !(await Pbm("gateway", "routes")).Stdout.Contains("doomed "));

        (exit, _, stderr) = await Pbm("gateway", "routes", "delete", "doomed");
        Assert.Equal(1, exit);
        Assert.Contains("error: no route 'doomed' in the cluster", stderr);
    }

    [Fact]
    public async Task RateLimits_ShowsPolicyAndCounts_AfterTraffic()
    {
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        var file = Write("limits.conf", $$"""
            gateway {
              upstreams = [ { name = limited-up, endpoints = [ "{{upstream.Url}}" ] } ]
              routes = [
                { id = per-node, path = "/per-node", upstream = limited-up, rate-limit { limit = 2, period = 1m } }
                { id = cluster-wide, path = "/cluster-wide", upstream = limited-up, rate-limit { key = route, limit = 1, period = 1s, burst = 2, scope = cluster } }
              ]
            }
            """);
        Assert.Equal(0, (await Pbm("gateway", "routes", "apply", file)).ExitCode);
        await WaitForAsync(async () =>
        {
            using var response = await _client.GetAsync($"{node.IngressUrl}/per-node");
            return response.StatusCode == HttpStatusCode.OK;
        });
        for (var i = 0; i < 2; i++) (await _client.GetAsync($"{node.IngressUrl}/per-node")).Dispose();
        for (var i = 0; i < 3; i++) (await _client.GetAsync($"{node.IngressUrl}/cluster-wide")).Dispose();

        var (exit, stdout, stderr) = await Pbm("gateway", "ratelimits");

        Assert.True(exit == 0, stderr);
        Assert.Equal(["per-node", "node", "token-bucket", "2/60s", "client-ip", "1", "2", "1", "-", "-", "-"], Cells(stdout, "per-node "));
        var cluster = Cells(stdout, "cluster-wide ");
        Assert.Equal(["cluster-wide", "cluster", "token-bucket", "1/1s", "burst", "2", "route", "1", "2", "1"], cluster[..10]);
        Assert.EndsWith("%)", cluster[11]); // this node's share of a cluster of one

        var (detailExit, detail, _) = await Pbm("gateway", "ratelimits", "per-node");
        Assert.Equal(0, detailExit);
        Assert.Equal(["127.0.0.1", "0", "2", "1"], Cells(detail, "127.0.0.1 "));

        var metrics = await _client.GetStringAsync(node.AdminUrl + "/metrics");
        Assert.Contains("gateway_rate_limit_admitted_total{route=\"per-node\"} 2", metrics);
        Assert.Contains("gateway_rate_limited_total{route=\"per-node\"} 1", metrics);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string[] Cells(string stdout, string prefix) =>
        stdout.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 15 s");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _dir.Delete(recursive: true);
    }
}
