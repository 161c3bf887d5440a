using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Cluster;

/// <summary>SIGTERM drains a node process; a kill -9 of one node of three leaves the survivors serving.</summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class DrainTests
{

    [Fact]
    public async Task Sigterm_ReadinessOffAtOnce_InFlightFinishes_NewConnectionsRefused_ExitsZero()
    {
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestUpstream.StartAsync(async context =>
        {
            if (context.Request.Path.StartsWithSegments("/slow/wait"))
            {
                slowStarted.TrySetResult();
                await Task.Delay(3000);
            }
            await context.Response.WriteAsync("done " + context.Request.Path);
        });
        using var cluster = new LocalCluster(1);
        cluster.Start(0);
        await cluster.WaitReadyAsync(0, LocalCluster.StartTimeout);
        await PutAsync(cluster, "/admin/upstreams/slow", $$"""{"endpoints":["{{backend.Url}}"]}""");
        await PutAsync(cluster, "/admin/routes/slow", """{"path":"/slow/{**rest}","upstream":"slow"}""");
        await WaitServedAsync(cluster, 0, "/slow/ping");

        var inFlight = cluster.Client.GetAsync($"{cluster.IngressUrl(0)}/slow/wait");
        await slowStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var node = cluster[0]!;
        var clock = Stopwatch.StartNew();
        node.SigTerm();

        // Readiness goes off at once, and the admin port keeps answering while the ingress drains: /readyz is 503 draining.
        var readinessOff = false;
        while (!readinessOff && clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            using var ready = await cluster.Admin.GetAsync($"{cluster.AdminUrl(0)}/readyz");
            if (ready.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
                readinessOff = json.RootElement.GetProperty("draining").GetBoolean();
            }
            if (!readinessOff) await Task.Delay(20);
        }
        Assert.True(readinessOff, "readiness still on 2 s after SIGTERM");

        // While the slow request is still running, the ingress takes no new connection and the process is still up.
        await Task.Delay(TimeSpan.FromSeconds(1) - clock.Elapsed > TimeSpan.Zero ? TimeSpan.FromSeconds(1) - clock.Elapsed : TimeSpan.Zero);
        Assert.False(inFlight.IsCompleted, "the in-flight request ended before its upstream answered");
        Assert.False(node.Process.HasExited, "the node exited without waiting for its in-flight request");
        using (var probe = new TcpClient())
        {
            var refused = await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, cluster.Ports[0].Ingress));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
        using (var ready = await cluster.Admin.GetAsync($"{cluster.AdminUrl(0)}/readyz"))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode); // the admin port is not closed with the ingress

        using var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("done /slow/wait", await response.Content.ReadAsStringAsync());

        Assert.Equal(0, node.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("Draining", node.Output);
    }

    [Fact]
    public async Task Sigterm_KeepAliveClientsSendingThroughTheDrain_LoseNoRequest_AndAreToldToClose()
    {
        await using var backend = await TestUpstream.StartAsync(context => context.Response.WriteAsync("ok " + context.Request.Path));
        using var cluster = new LocalCluster(1);
        cluster.Start(0);
        await cluster.WaitReadyAsync(0, LocalCluster.StartTimeout);
        await PutAsync(cluster, "/admin/upstreams/ka", $$"""{"endpoints":["{{backend.Url}}"]}""");
        await PutAsync(cluster, "/admin/routes/ka", """{"path":"/ka/{**rest}","upstream":"ka"}""");
        await WaitServedAsync(cluster, 0, "/ka/warm");

        // Keep-alive clients as a load balancer holds them, each pausing 0-30 ms between requests: at SIGTERM some are
        // idle, some mid-request, and some send in the first milliseconds of the drain.
        var port = cluster.Ports[0].Ingress;
        var sigterm = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clients = Enumerable.Range(0, 8).Select(c => Task.Run(() => KeepAliveClientAsync(port, c, sigterm.Task))).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        cluster[0]!.SigTerm();
        sigterm.SetResult();
        var results = await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(30));

        var lost = results.SelectMany(r => r.Lost).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} requests lost on open connections:\n{string.Join("\n", lost.Take(10))}");
        // Each client kept being answered after SIGTERM, was told to close (Connection: close) and then found new connections refused.
        Assert.All(results, r => Assert.True(r.AnsweredAfterSigterm > 0 && r.ToldToClose && r.RefusedAfterwards, r.ToString()));
        Assert.Equal(0, cluster[0]!.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    private static async Task<KeepAliveResult> KeepAliveClientAsync(int port, int client, Task sigterm)
    {
        var random = new Random(client);
        var lost = new List<string>();
        int answered = 0, afterSigterm = 0;
        var toldToClose = false;
        for (var n = 0; ; n++)
        {
            RawHttpConnection connection;
            try
            {
                connection = await RawHttpConnection.ConnectAsync(port);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return new KeepAliveResult(client, answered, afterSigterm, toldToClose, sigterm.IsCompleted, lost);
            }
            using (connection)
            {
                while (true)
                {
                    var path = $"/ka/{client}-{n++}";
                    var sentAfterSigterm = sigterm.IsCompleted;
                    try
                    {
                        var response = await connection.GetAsync(path).WaitAsync(TimeSpan.FromSeconds(10));
                        if (response.Status != 200 || response.Body != "ok " + path) lost.Add($"{path}: {response.Status} {response.Body}");
                        answered++;
                        if (sentAfterSigterm) afterSigterm++;
                        if (response.ConnectionClose)
                        {
                            toldToClose = true;
                            break;
                        }
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or TimeoutException)
                    {
                        lost.Add($"{path} (sent {(sentAfterSigterm ? "after" : "before")} SIGTERM): {ex.GetType().Name} {ex.Message}");
                        break;
                    }
                    await Task.Delay(random.Next(0, 30));
                }
            }
            if (lost.Count > 0) return new KeepAliveResult(client, answered, afterSigterm, toldToClose, false, lost);
        }
    }

    private sealed record KeepAliveResult(int Client, int Answered, int AnsweredAfterSigterm, bool ToldToClose, bool RefusedAfterwards, List<string> Lost)
    {
        public override string ToString() =>
            $"client {Client}: {Answered} answered ({AnsweredAfterSigterm} after SIGTERM), told to close {ToldToClose}, refused afterwards {RefusedAfterwards}, lost {Lost.Count}";
    }

    [Fact]
    public async Task PbmGatewayDrain_RepliesAtOnce_ReadinessOff_InFlightFinishes_ExitsZero()
    {
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestUpstream.StartAsync(async context =>
        {
            if (context.Request.Path.StartsWithSegments("/slow/wait"))
            {
                slowStarted.TrySetResult();
                await Task.Delay(6000); // longer than a pbm run on a busy machine
            }
            await context.Response.WriteAsync("done " + context.Request.Path);
        });
        var opsPort = FreePort.NextStable();
        using var cluster = new LocalCluster(1);
        cluster.Start(0, "--set", $"gateway.ops.port={opsPort}");
        await cluster.WaitReadyAsync(0, LocalCluster.StartTimeout);
        await PutAsync(cluster, "/admin/upstreams/slow", $$"""{"endpoints":["{{backend.Url}}"]}""");
        await PutAsync(cluster, "/admin/routes/slow", """{"path":"/slow/{**rest}","upstream":"slow"}""");
        await WaitServedAsync(cluster, 0, "/slow/ping");
        var inFlight = cluster.Client.GetAsync($"{cluster.IngressUrl(0)}/slow/wait");
        await slowStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var (exitCode, stdout, stderr) = await PbmProcess.RunAsync([$"127.0.0.1:{opsPort}", "gateway", "drain"]);
        Assert.True(exitCode == 0, $"pbm exit {exitCode}: {stdout} {stderr}");
        Assert.Contains("draining", stdout);

        // The node is still up, finishing the slow request, and says it is draining.
        var node = cluster[0]!;
        Assert.False(node.Process.HasExited, "the node exited without waiting for its in-flight request");
        using (var ready = await cluster.Admin.GetAsync($"{cluster.AdminUrl(0)}/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            Assert.True(json.RootElement.GetProperty("draining").GetBoolean());
        }
        using (var response = await inFlight)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("done /slow/wait", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, node.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("Ops command 'gateway drain'", node.Output);
    }

    [Fact]
    public async Task KillNineOfOneOfThree_SurvivorsServeTheWholeBurst_SeeTwoMembers_AndTakeWritesToItsRoutes()
    {
        await using var backend = await TestUpstream.StartAsync(context => context.Response.WriteAsync("ok"));
        using var cluster = new LocalCluster(3);
        await cluster.StartAllAsync(3);
        await PutAsync(cluster, "/admin/upstreams/backend", $$"""{"endpoints":["{{backend.Url}}"]}""");
        await PutAsync(cluster, "/admin/routes/burst", """{"path":"/burst/{**rest}","upstream":"backend"}""");
        // Route owners spread over the shards of all three nodes, so some live on the node about to die.
        for (var r = 0; r < 6; r++) await PutAsync(cluster, $"/admin/routes/owned-{r}", $$"""{"path":"/owned-{{r}}/v1/{**rest}","upstream":"backend"}""");
        for (var i = 0; i < 3; i++) await WaitServedAsync(cluster, i, "/burst/warm");
        for (var i = 0; i < 2; i++) Assert.Equal(3, (await ReadyzAsync(cluster, i)).Members);

        cluster.Kill(2); // Process.Kill: SIGKILL, no leave.

        // 200 requests, 8 at a time, alternating between the two survivors.
        var failures = new List<string>();
        using var gate = new SemaphoreSlim(8);
        var burst = Enumerable.Range(0, 200).Select(async n =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await cluster.Client.GetAsync($"{cluster.IngressUrl(n % 2)}/burst/{n}");
                if (response.StatusCode != HttpStatusCode.OK) lock (failures) failures.Add($"{n}: {(int)response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                lock (failures) failures.Add($"{n}: {ex.Message}");
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(burst).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Empty(failures);

        // The split-brain resolver downs the dead node; each survivor then shows two members and nothing unreachable.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        for (var i = 0; i < 2; i++)
        {
            (int Members, int Unreachable) seen;
            while ((seen = await ReadyzAsync(cluster, i)) != (2, 0))
            {
                Assert.True(DateTime.UtcNow < deadline, $"node {i} still sees {seen.Members} members, {seen.Unreachable} unreachable");
                await Task.Delay(250);
            }
        }

        // Every route owner, the dead node's included, restarts on a survivor at its next write; both survivors route by it.
        for (var r = 0; r < 6; r++) await PutAsync(cluster, $"/admin/routes/owned-{r}", $$"""{"path":"/owned-{{r}}/v2/{**rest}","upstream":"backend"}""", retryUnavailable: true);
        for (var r = 0; r < 6; r++)
            for (var i = 0; i < 2; i++) await WaitServedAsync(cluster, i, $"/owned-{r}/v2/x");
    }

    private static async Task<(int Members, int Unreachable)> ReadyzAsync(LocalCluster cluster, int node)
    {
        using var response = await cluster.Admin.GetAsync($"{cluster.AdminUrl(node)}/readyz");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("members").GetInt32(), json.RootElement.GetProperty("unreachable").GetInt32());
    }

    // retryUnavailable: a write that meets an owner still moving off a removed node answers 503 at the edge; an unchanged
    // definition written again keeps its version, so retrying is safe.
    private static async Task PutAsync(LocalCluster cluster, string path, string json, bool retryUnavailable = false)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var response = await cluster.Admin.PutAsync($"{cluster.AdminUrl(0)}{path}", new StringContent(json, Encoding.UTF8, "application/json"));
            if (response.IsSuccessStatusCode) return;
            var retry = retryUnavailable && response.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline;
            Assert.True(retry, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(250);
        }
    }

    private static async Task WaitServedAsync(LocalCluster cluster, int node, string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                using var response = await cluster.Client.GetAsync($"{cluster.IngressUrl(node)}{path}");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, $"node {node} does not serve {path}");
            await Task.Delay(100);
        }
    }
}
