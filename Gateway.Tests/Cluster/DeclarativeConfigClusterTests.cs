using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Cluster;

/// <summary>
/// decK's loop with the real pbm against three real nodes: dump, diff (empty), edit, diff (lines), sync --dry-run (no
/// change), sync --prune (applied, and seen on every node); and the same through the admin API.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class DeclarativeConfigClusterTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan PropagationTimeout = TimeSpan.FromSeconds(15);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pbm-config-");

    [Fact]
    public async Task DumpDiffEditDiffDryRunSyncPrune_AppliedOnEveryNode()
    {
        await using var backend = await TestUpstream.StartAsync(context => context.Response.WriteAsync("backend " + context.Request.Path));
        using var cluster = new LocalCluster(3);
        var ops = Enumerable.Range(0, 3).Select(_ => FreePort.Next()).ToArray();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++) cluster.Start(i, "--set", $"gateway.ops.port={ops[i]}");
        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => cluster.WaitReadyAsync(i, LocalCluster.StartTimeout)));
        output.WriteLine($"3 nodes ready after {clock.Elapsed.TotalSeconds:F1} s");
        string Node(int i) => $"127.0.0.1:{ops[i]}";

        // What the cluster holds to begin with, written with sync (apply without prune).
        var start = Write("start.conf", $$"""
            gateway {
              upstreams = [ { name = backend, endpoints = [ "{{backend.Url}}" ] } ]
              routes = [
                { id = orders, path = "/orders/{**rest}", upstream = backend }
                { id = legacy, path = "/legacy/{**rest}", upstream = backend }
              ]
            }
            """);
        var (exit, stdout, stderr) = await Pbm(Node(0), "gateway", "config", "sync", start);
        Assert.True(exit == 0, stderr + stdout);
        Assert.Contains("3 change(s) applied", stdout);

        // dump -> file -> diff: nothing, on another node.
        await Eventually.TrueAsync(async () => (await Pbm(Node(1), "gateway", "config", "dump")).Stdout.Contains("legacy"), PropagationTimeout, () => "node 2 never dumped the routes");
        (exit, stdout, stderr) = await Pbm(Node(1), "gateway", "config", "dump");
        Assert.True(exit == 0, stderr);
        var dump = Write("dump.conf", stdout);
        (exit, stdout, stderr) = await Pbm(Node(1), "gateway", "config", "diff", dump, "--exit-code");
        Assert.True(exit == 0, stdout + stderr);
        Assert.Equal("", stdout);

        // Edit: change one route, drop one, add one.
        var edited = Write("edited.conf", File.ReadAllText(dump)
            .Replace("\"id\" = \"legacy\"", "\"id\" = \"reports\"").Replace("\"/legacy/{**rest}\"", "\"/reports/{**rest}\"")
            .Replace("\"path\" = \"/orders/{**rest}\"", "\"path\" = \"/orders/{**rest}\"\n      \"methods\" = [\"GET\"]"));
        (exit, stdout, _) = await Pbm(Node(2), "gateway", "config", "diff", edited, "--exit-code");
        Assert.Equal(4, exit);
        Assert.Equal(["~ route orders: methods", "+ route reports", "- route legacy"], Lines(stdout)); // upserts by id, then deletes
        (exit, _, _) = await Pbm(Node(2), "gateway", "config", "diff", edited);
        Assert.Equal(0, exit);

        // --dry-run prints the plan and changes nothing.
        (exit, stdout, _) = await Pbm(Node(0), "gateway", "config", "sync", edited, "--prune", "--dry-run");
        Assert.Equal(0, exit);
        Assert.Contains("- route legacy", stdout);
        Assert.Contains("dry run, 3 change(s) planned, nothing applied", stdout);
        Assert.Equal(3, Lines((await Pbm(Node(0), "gateway", "config", "diff", edited)).Stdout).Length);

        // --prune applies all three, and every node then has exactly the file.
        (exit, stdout, stderr) = await Pbm(Node(0), "gateway", "config", "sync", edited, "--prune");
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("3 change(s) applied", stdout);
        for (var i = 0; i < 3; i++)
        {
            var node = i;
            await Eventually.TrueAsync(async () => (await Pbm(Node(node), "gateway", "config", "diff", edited, "--exit-code")).ExitCode == 0,
                PropagationTimeout, () => $"node {node + 1} still differs from the file");
            await Eventually.TrueAsync(async () =>
            {
                using var served = await cluster.Client.GetAsync($"{cluster.IngressUrl(node)}/reports/1");
                return served.StatusCode == HttpStatusCode.OK;
            }, PropagationTimeout, () => $"node {node + 1} never served /reports");
        }
        (exit, stdout, _) = await Pbm(Node(2), "gateway", "config", "dump");
        Assert.Contains("\"methods\" = [\"GET\"]", stdout);
        Assert.DoesNotContain("legacy", stdout);

        // The admin API: the dump as JSON, the diff of a file, a dry-run sync that changes nothing.
        using var dumped = JsonDocument.Parse(await cluster.Admin.GetStringAsync($"{cluster.AdminUrl(1)}/admin/config"));
        Assert.Equal(["orders", "reports"], dumped.RootElement.GetProperty("routes").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        var back = File.ReadAllText(start);
        using var diff = await cluster.Admin.PostAsync($"{cluster.AdminUrl(1)}/admin/config/diff", new StringContent(back, Encoding.UTF8, "text/plain"));
        using var diffBody = JsonDocument.Parse(await diff.Content.ReadAsStringAsync());
        Assert.Equal(["+ route legacy", "~ route orders: methods", "- route reports"],
            diffBody.RootElement.GetProperty("lines").EnumerateArray().Select(l => l.GetString()));
        using var dry = await cluster.Admin.PostAsync($"{cluster.AdminUrl(2)}/admin/config/sync?prune=true&dryRun=true", new StringContent(back, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        using var dryBody = JsonDocument.Parse(await dry.Content.ReadAsStringAsync());
        Assert.Equal(3, dryBody.RootElement.GetProperty("planned").GetArrayLength());
        Assert.Equal(0, dryBody.RootElement.GetProperty("applied").GetArrayLength());
        using var sync = await cluster.Admin.PostAsync($"{cluster.AdminUrl(2)}/admin/config/sync?prune=true", new StringContent(back, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
        await Eventually.TrueAsync(async () => (await Pbm(Node(0), "gateway", "config", "diff", start, "--exit-code")).ExitCode == 0,
            PropagationTimeout, () => "node 1 never saw the admin API's sync");
        output.WriteLine($"done after {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> Pbm(params string[] args) => PbmProcess.RunAsync(args);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <inheritdoc />
    public void Dispose() => _dir.Delete(recursive: true);
}
