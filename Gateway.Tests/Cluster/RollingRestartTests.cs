using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Cluster;

/// <summary>A rolling restart of one node of three under steady load loses no request but connection refusals to that node.</summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    private const int Restarting = 2;

    [Fact]
    public async Task SigtermAndRestartOfOneNodeOfThree_UnderLoad_OnlyRefusalsToIt_AndItRejoinsUp()
    {
        await using var backend = await TestUpstream.StartAsync(context => context.Response.WriteAsync("ok " + context.Request.Path));
        using var cluster = new LocalCluster(3);
        await cluster.StartAllAsync(3);
        await PutAsync(cluster, "/admin/upstreams/backend", $$"""{"endpoints":["{{backend.Url}}"]}""");
        await PutAsync(cluster, "/admin/routes/load", """{"path":"/load/{**rest}","upstream":"backend"}""");
        for (var i = 0; i < 3; i++) await WaitServedAsync(cluster, i, "/load/warm");

        // Keep-alive connections, as a load balancer or a client library holds them: the drain must close them cleanly.
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 4 }) { Timeout = TimeSpan.FromSeconds(15) };
        var load = new LoadLoop(client, cluster, workers: 6);
        var running = load.RunAsync();

        await Task.Delay(TimeSpan.FromSeconds(2));
        var before = load.Snapshot();
        cluster[Restarting]!.SigTerm();
        var exitCode = await Task.Run(() => cluster[Restarting]!.WaitForExit(TimeSpan.FromSeconds(30)));
        var down = load.Snapshot();
        cluster.Start(Restarting);
        await cluster.WaitReadyAsync(Restarting, LocalCluster.StartTimeout);
        var rejoined = load.Snapshot();
        await Task.Delay(TimeSpan.FromSeconds(2));
        load.Stop();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
        var after = load.Snapshot();

        output.WriteLine($"before SIGTERM: {before}\nexited: {down}\nrejoined: {rejoined}\nend: {after}");
        Assert.Equal(0, exitCode);
        Assert.True(load.Failures.Count == 0, $"{load.Failures.Count} failed requests, e.g.:\n{string.Join("\n", load.Failures.Take(10))}");
        // The load did reach the restarting node while it was gone (so refusals are real), and each node served before and after.
        Assert.True(after.Refused > 0, "no request reached the restarting node while it was down");
        for (var i = 0; i < 3; i++) Assert.True(before.Ok[i] > 0 && after.Ok[i] > rejoined.Ok[i], $"node {i} did not serve throughout: {before} / {after}");

        // The node is back as an Up member of a three-node cluster, seen from a survivor.
        using var ready = await cluster.Admin.GetAsync($"{cluster.AdminUrl(0)}/readyz");
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal(3, json.RootElement.GetProperty("members").GetInt32());
        using var restarted = await cluster.Admin.GetAsync($"{cluster.AdminUrl(Restarting)}/readyz");
        using var restartedJson = JsonDocument.Parse(await restarted.Content.ReadAsStringAsync());
        Assert.Equal("Up", restartedJson.RootElement.GetProperty("member").GetString());
    }

    private static async Task PutAsync(LocalCluster cluster, string path, string json)
    {
        using var response = await cluster.Admin.PutAsync($"{cluster.AdminUrl(0)}{path}", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task WaitServedAsync(LocalCluster cluster, int node, string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            using var response = await cluster.Client.GetAsync($"{cluster.IngressUrl(node)}{path}");
            if (response.StatusCode == HttpStatusCode.OK) return;
            Assert.True(DateTime.UtcNow < deadline, $"node {node} does not serve {path}: {(int)response.StatusCode}");
            await Task.Delay(100);
        }
    }

    /// <summary>Workers sending GETs round robin over the nodes until stopped; counts 2xx per node, refusals, and everything else as failures.</summary>
    private sealed class LoadLoop(HttpClient client, LocalCluster cluster, int workers)
    {
        private readonly long[] _ok = new long[cluster.Ports.Length];
        private long _refused;
        private long _next;
        private volatile bool _stopped;

        public List<string> Failures { get; } = [];

        public Task RunAsync() => Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync)));

        public void Stop() => _stopped = true;

        public Counts Snapshot() => new([.. _ok.Select(n => Interlocked.Read(ref n))], Interlocked.Read(ref _refused));

        private async Task WorkAsync()
        {
            while (!_stopped)
            {
                var n = Interlocked.Increment(ref _next);
                var node = (int)(n % _ok.Length);
                try
                {
                    using var response = await client.GetAsync($"{cluster.IngressUrl(node)}/load/{n}");
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.IsSuccessStatusCode && body == $"ok /load/{n}") Interlocked.Increment(ref _ok[node]);
                    else Fail($"node {node} request {n}: {(int)response.StatusCode} {body}");
                }
                catch (HttpRequestException ex) when (node == Restarting && IsRefused(ex))
                {
                    Interlocked.Increment(ref _refused);
                    await Task.Delay(5); // a refused connect returns at once; do not spin
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    Fail($"node {node} request {n}: {ex.GetType().Name}: {ex.Message} {ex.InnerException?.Message}");
                }
            }
        }

        private void Fail(string what)
        {
            lock (Failures) Failures.Add(what);
        }

        private static bool IsRefused(HttpRequestException ex) =>
            ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
    }

    private sealed record Counts(long[] Ok, long Refused)
    {
        public override string ToString() => $"2xx per node [{string.Join(", ", Ok)}], refused {Refused}";
    }
}
