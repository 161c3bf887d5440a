using Akka.Configuration;
using Gateway.Node.Configuration;
using Gateway.Node.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Gateway.Tests.Support;

/// <summary>A gateway node started in this process on free loopback ports, with the given HOCON for its routes.</summary>
public sealed class TestGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private TestGateway(WebApplication app, int ingressPort, int adminPort, int h2cPort, int opsPort, string dataDirectory)
    {
        OpsPort = opsPort;
        _app = app;
        _dataDirectory = dataDirectory;
        IngressPort = ingressPort;
        AdminPort = adminPort;
        H2cPort = h2cPort;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{ingressPort}"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Ingress port.</summary>
    public int IngressPort { get; }

    /// <summary>Admin port.</summary>
    public int AdminPort { get; }

    /// <summary>h2c port.</summary>
    public int H2cPort { get; }

    /// <summary>Port of the pbm ops host.</summary>
    public int OpsPort { get; }

    /// <summary>The node's services (route table holder, log buffer, ...).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Client for the ingress.</summary>
    public HttpClient Client { get; }

    /// <summary>Client for the admin port.</summary>
    public HttpClient Admin { get; }

    /// <summary>Starts a node with <paramref name="gatewayHocon"/> (the body of a <c>gateway { }</c> block) and waits until it is ready.</summary>
    /// <remarks>Each node gets its own empty data directory (its SQLite journal), removed on dispose.</remarks>
    /// <param name="gatewayHocon">The body of the node's <c>gateway { }</c> block.</param>
    /// <param name="time">Clock of the node's response cache; the system clock when null.</param>
    /// <param name="waitUntilReady">False returns as soon as the host started, before <c>/readyz</c> answers 200.</param>
    public static async Task<TestGateway> StartAsync(string gatewayHocon, TimeProvider? time = null, bool waitUntilReady = true)
    {
        var data = Path.Combine(Path.GetTempPath(), "gateway-test-" + Guid.NewGuid().ToString("N"));
        // The ingress listeners bind only once the node is ready (a second or more after start): from below the ephemeral
        // range, or an outgoing connection of another test may take the port meanwhile ("Address already in use").
        var ingress = FreePort.NextStable();
        var admin = FreePort.Next();
        var h2c = FreePort.NextStable();
        var ops = FreePort.Next();
        var node = ConfigurationFactory.ParseString($$"""
            gateway {
              ingress { hostname = "127.0.0.1", port = {{ingress}}, h2c-port = {{h2c}} }
              admin { hostname = "127.0.0.1", port = {{admin}} }
              ops { hostname = "127.0.0.1", port = {{ops}} }
              logging.level = Warning
              data-directory = "{{data.Replace("\\", "/")}}"
              # No warm-up pass unless the test sets one (below, which wins).
              warm-up.duration = 0s
              {{gatewayHocon}}
            }
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            """);
        var app = NodeHost.Build(node.WithFallback(NodeConfigLoader.Defaults), time);
        await app.StartAsync();
        var gateway = new TestGateway(app, ingress, admin, h2c, ops, data);
        if (waitUntilReady) await gateway.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        return gateway;
    }

    /// <summary>Polls <c>/readyz</c> until 200 or the deadline.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await Admin.GetAsync("/readyz");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"gateway on {IngressPort} not ready within {timeout}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may outlive the node for a moment; the temp directory is cleaned by the OS.
        }
    }
}
