using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Ops;

/// <summary>One gateway node process with a route and a two-endpoint upstream, and its ops host on a free port.</summary>
public sealed class PbmNodeFixture : IAsyncLifetime
{
    private readonly string _config = Path.GetTempFileName();
    private NodeProcess _node = null!;

    /// <summary>The ops host's HOST:PORT.</summary>
    public string Target { get; private set; } = "";

    /// <summary>Base URL of the node's ingress.</summary>
    public string IngressUrl { get; private set; } = "";

    /// <summary>Base URL of the node's admin port (/metrics).</summary>
    public string AdminUrl { get; private set; } = "";

    /// <summary>Everything the node printed so far.</summary>
    public string NodeOutput => _node.Output;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        File.WriteAllText(_config, """
            gateway {
              upstreams = [
                { name = backend, load-balancing = weighted, endpoints = [ { url = "http://127.0.0.1:9", weight = 3 }, "http://127.0.0.1:10" ] }
              ]
              routes = [
                { id = orders, path = "/orders/{id}", hosts = [ api.example.com ], methods = [ GET ], upstream = backend }
              ]
            }
            """);
        int ingress = FreePort.NextStable(), admin = FreePort.NextStable(), ops = FreePort.NextStable();
        _node = NodeProcess.Start("--config", _config,
            "--set", "gateway.ingress.hostname=127.0.0.1", "--set", $"gateway.ingress.port={ingress}",
            "--set", $"gateway.admin.port={admin}", "--set", $"gateway.ops.port={ops}",
            "--set", "akka.remote.dot-netty.tcp.port=0");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Node.NodeProcessTests.WaitReadyAsync(client, admin, _node);
        Target = $"127.0.0.1:{ops}";
        IngressUrl = $"http://127.0.0.1:{ingress}";
        AdminUrl = $"http://127.0.0.1:{admin}";
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _node.Dispose();
        File.Delete(_config);
        return Task.CompletedTask;
    }
}
