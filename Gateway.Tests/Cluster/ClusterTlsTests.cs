using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Cluster;

/// <summary>
/// Two node processes whose Akka.Remote runs over TLS with mutual authentication: they form a cluster and replicate
/// routes; a third node whose certificate they do not trust never joins.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class ClusterTlsTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-cluster-tls-");
    private readonly List<NodeProcess> _nodes = [];
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task NodesWithTrustedCertificates_FormACluster_OverAkkaSslTcp_AnUntrustedNodeIsKeptOut()
    {
        await using var backend = await TestUpstream.StartAsync(context => context.Response.WriteAsync("backend " + context.Request.Path));
        var certificates = new[] { "node-a", "node-b", "intruder" }.Select(TestCertificates.Create).ToArray();
        var trusted = $"[\"{certificates[0].Thumbprint}\", \"{certificates[1].Thumbprint}\"]";
        var remote = Enumerable.Range(0, 3).Select(_ => FreePort.NextStable()).ToArray();
        var seeds = $"[\"akka.ssl.tcp://gateway@127.0.0.1:{remote[0]}\"]";
        var ports = new List<(int Ingress, int Admin)>();
        for (var i = 0; i < 3; i++)
        {
            var cert = Path.Combine(_dir.FullName, $"node{i}.crt");
            var key = Path.Combine(_dir.FullName, $"node{i}.key");
            TestCertificates.WritePem(certificates[i], cert, key);
            // The intruder trusts everyone; the others do not trust it.
            var trust = i < 2 ? trusted : $"[\"{certificates[0].Thumbprint}\", \"{certificates[1].Thumbprint}\", \"{certificates[2].Thumbprint}\"]";
            var file = Path.Combine(_dir.FullName, $"node{i}.conf");
            await File.WriteAllTextAsync(file, LocalCluster.BaseConfig + $$"""
                gateway.cluster-tls {
                  certificate = "{{cert.Replace("\\", "/")}}"
                  key = "{{key.Replace("\\", "/")}}"
                  trusted-thumbprints = {{trust}}
                }
                """);
            ports.Add((FreePort.NextStable(), FreePort.NextStable()));
            if (i == 2) continue;
            _nodes.Add(Start(file, ports[i], remote[i], seeds));
        }

        for (var i = 0; i < 2; i++) await Node.NodeProcessTests.WaitReadyAsync(_client, ports[i].Admin, _nodes[i]);
        Assert.Contains($"akka.ssl.tcp://gateway@127.0.0.1:{remote[1]}", _nodes[0].Output); // node 2 seen by node 1, over TLS

        // Routes written on node 1 are served by node 2: sharding and Distributed Data cross the TLS connection.
        using (var up = await _client.PutAsJsonAsync($"http://127.0.0.1:{ports[0].Admin}/admin/upstreams/backend", new { endpoints = new[] { backend.Url } }))
            Assert.Equal(HttpStatusCode.Created, up.StatusCode);
        using (var route = await _client.PutAsJsonAsync($"http://127.0.0.1:{ports[0].Admin}/admin/routes/tls", new { path = "/tls/{**rest}", upstream = "backend" }))
            Assert.Equal(HttpStatusCode.Created, route.StatusCode);
        var served = "";
        var servedBy = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (served != "backend /tls/x")
        {
            Assert.True(DateTime.UtcNow < servedBy, $"node 2 did not serve the route written on node 1 within 10 s (last answer: {served})");
            await Task.Delay(50);
            using var response = await _client.GetAsync($"http://127.0.0.1:{ports[1].Ingress}/tls/x");
            served = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : ((int)response.StatusCode).ToString();
        }

        // The intruder's handshakes are refused: it is never ready (not Up in the cluster).
        var intruder = Start(Path.Combine(_dir.FullName, "node2.conf"), ports[2], remote[2], seeds);
        _nodes.Add(intruder);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(await IsReadyAsync(ports[2].Admin), "a node with an untrusted certificate joined:\n" + intruder.Output);
            await Task.Delay(250);
        }
        var refusal = _nodes[0].Output.Split('\n').FirstOrDefault(l => l.Contains("Refused a TLS connection")) ?? "";
        output.WriteLine(refusal.Trim());
        Assert.Contains("is not in gateway.cluster-tls.trusted-thumbprints", refusal);
    }

    private NodeProcess Start(string file, (int Ingress, int Admin) ports, int remote, string seeds) =>
        NodeProcess.Start("--config", file,
            "--set", $"gateway.ingress.port={ports.Ingress}", "--set", $"gateway.admin.port={ports.Admin}",
            "--set", $"akka.remote.dot-netty.tcp.port={remote}", "--set", $"akka.cluster.seed-nodes={seeds}");

    private async Task<bool> IsReadyAsync(int admin)
    {
        try
        {
            using var ready = await _client.GetAsync($"http://127.0.0.1:{admin}/readyz");
            return ready.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var node in _nodes) node.Dispose();
        _client.Dispose();
        _dir.Delete(recursive: true);
    }
}
