using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Cluster;

/// <summary>
/// Three node processes, each started with its own <c>--config</c> file: a change saved to one node's file is served by
/// every node; an invalid change is refused with a logged error naming the field, and the old config keeps serving.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class ClusterConfigFileTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PropagationTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ChangeSavedOnOneNodesFile_ServesOnEveryNode_InvalidChangeIsRefusedEverywhere()
    {
        await using var backend = await TestUpstream.StartAsync(context => context.Response.WriteAsync("backend " + context.Request.Path));
        using var cluster = new LocalCluster(3);
        string Config(string extraRoute) => LocalCluster.BaseConfig + $$"""
            gateway {
              upstreams = [ { name = backend, endpoints = [ "{{backend.Url}}" ] } ]
              routes = [
                { id = first, path = "/first/{**rest}", upstream = backend }
                {{extraRoute}}
              ]
            }
            """;
        var files = Enumerable.Range(0, 3).Select(i => Path.Combine(cluster.DataDirectory, $"node{i}.conf")).ToArray();
        foreach (var file in files) await File.WriteAllTextAsync(file, Config(""));
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++) cluster.StartWithConfig(i, files[i]);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => cluster.WaitReadyAsync(i, LocalCluster.StartTimeout)));
        output.WriteLine($"3 nodes ready after {clock.Elapsed.TotalSeconds:F1} s");
        for (var i = 0; i < 3; i++) await WaitForStatusAsync(cluster, i, "/second/x", HttpStatusCode.NotFound);

        // Only node 1's file changes; nodes 2 and 3 never read it.
        clock.Restart();
        await File.WriteAllTextAsync(files[0], Config("""{ id = second, path = "/second/{**rest}", upstream = backend }"""));
        for (var i = 0; i < 3; i++) await WaitForStatusAsync(cluster, i, "/second/x", HttpStatusCode.OK);
        output.WriteLine($"saved on node 1, served by all 3 nodes after {clock.ElapsedMilliseconds} ms (includes the watcher's 300 ms settle delay)");

        // Invalid: a catch-all in the middle of the path. Refused with the field named; every node keeps serving the old set.
        await File.WriteAllTextAsync(files[0], Config("""
            { id = second, path = "/second/{**rest}", upstream = backend }
            { id = third, path = "/third/{**rest}/bad", upstream = backend }
            """));
        var deadline = DateTime.UtcNow + PropagationTimeout;
        string Refusal() => cluster[0]!.Output.Split('\n').FirstOrDefault(l => l.Contains("refused, the running config stays")) ?? "";
        while (Refusal().Length == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "node 1 logged no refusal of its invalid file:\n" + cluster[0]!.Output);
            await Task.Delay(100);
        }
        output.WriteLine(Refusal().Trim());
        Assert.Contains("gateway.routes[2].path", Refusal());
        for (var i = 0; i < 3; i++)
        {
            await WaitForStatusAsync(cluster, i, "/third/x/bad", HttpStatusCode.NotFound);
            await WaitForStatusAsync(cluster, i, "/second/x", HttpStatusCode.OK);
            await WaitForStatusAsync(cluster, i, "/first/x", HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task FileEditedWhileItsNodeWasDown_IsAppliedAtStart_AndAnotherNodesRestartDoesNotUndoIt()
    {
        await using var backend = await TestUpstream.StartAsync(context => context.Response.WriteAsync("backend " + context.Request.Path));
        using var cluster = new LocalCluster(3);
        string Config(string path) => LocalCluster.BaseConfig + $$"""
            gateway {
              upstreams = [ { name = backend, endpoints = [ "{{backend.Url}}" ] } ]
              routes = [ { id = r, path = "{{path}}", upstream = backend } ]
            }
            """;
        var files = Enumerable.Range(0, 3).Select(i => Path.Combine(cluster.DataDirectory, $"node{i}.conf")).ToArray();
        foreach (var file in files) await File.WriteAllTextAsync(file, Config("/file/{**rest}"));
        for (var i = 0; i < 3; i++) cluster.StartWithConfig(i, files[i]);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => cluster.WaitReadyAsync(i, LocalCluster.StartTimeout)));
        for (var i = 0; i < 3; i++) await WaitForStatusAsync(cluster, i, "/file/x", HttpStatusCode.OK);

        // Only node 2's file changes, while node 2 is down (node 1 is the seed and stays up).
        Stop(cluster, 1);
        await File.WriteAllTextAsync(files[1], Config("/moved/{**rest}"));
        cluster.StartWithConfig(1, files[1]);
        await cluster.WaitReadyAsync(1, LocalCluster.StartTimeout);
        for (var i = 0; i < 3; i++)
        {
            await WaitForStatusAsync(cluster, i, "/moved/x", HttpStatusCode.OK);
            await WaitForStatusAsync(cluster, i, "/file/x", HttpStatusCode.NotFound);
        }
        output.WriteLine(cluster[1]!.Output.Split('\n').FirstOrDefault(l => l.Contains("change set applied"))?.Trim());

        // Node 3 restarts with its unchanged file (still naming /file/): it changes nothing, on any node.
        Stop(cluster, 2);
        cluster.StartWithConfig(2, files[2]);
        await cluster.WaitReadyAsync(2, LocalCluster.StartTimeout);
        for (var i = 0; i < 3; i++)
        {
            using (var moved = await cluster.Client.GetAsync(cluster.IngressUrl(i) + "/moved/x")) Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            using (var old = await cluster.Client.GetAsync(cluster.IngressUrl(i) + "/file/x")) Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
        }
        Assert.Contains("Config file unchanged since this node last applied it", cluster[2]!.Output);
    }

    private static void Stop(LocalCluster cluster, int node)
    {
        cluster[node]!.SigTerm();
        Assert.Equal(0, cluster[node]!.WaitForExit(TimeSpan.FromSeconds(60)));
        cluster.Kill(node);
    }

    private static async Task WaitForStatusAsync(LocalCluster cluster, int node, string path, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + PropagationTimeout;
        while (true)
        {
            using var response = await cluster.Client.GetAsync(cluster.IngressUrl(node) + path);
            if (response.StatusCode == expected) return;
            Assert.True(DateTime.UtcNow < deadline, $"node {node + 1} {path} still answers {(int)response.StatusCode}, not {(int)expected}");
            await Task.Delay(50);
        }
    }
}
