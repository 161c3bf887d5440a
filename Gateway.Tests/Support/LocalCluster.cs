using System.Net;

namespace Gateway.Tests.Support;

/// <summary>
/// Node processes on 127.0.0.1 forming one cluster: every port is free and fixed for the cluster's life (so a node can
/// be started again at the same address), the first node is the seed, and all share one SQLite journal file.
/// </summary>
public sealed class LocalCluster : IDisposable
{
    private readonly NodeProcess?[] _nodes;
    private readonly string _configFile;

    /// <summary>Allocates ports and the shared data directory for <paramref name="size"/> nodes; starts none.</summary>
    public LocalCluster(int size)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "gateway-cluster-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        // A port is free again once its probe closes, so make sure no port is handed out twice.
        var taken = new HashSet<int>();
        int Next()
        {
            int port;
            do port = FreePort.NextStable(); while (!taken.Add(port));
            return port;
        }
        Ports = Enumerable.Range(0, size).Select(_ => (Ingress: Next(), Admin: Next(), Remote: Next())).ToArray();
        _nodes = new NodeProcess?[size];
        _configFile = Path.Combine(DataDirectory, "cluster.conf");
        File.WriteAllText(_configFile, BaseConfig);
        Admin = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(1) }) { Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>
    /// The HOCON every node gets: loopback ingress, and lower join and failure-detection timings than the defaults, for a
    /// local cluster that starts and dies in seconds. A test giving a node its own file starts the file with this.
    /// </summary>
    public const string BaseConfig = """
        gateway { ingress.hostname = "127.0.0.1", logging.level = Information }
        akka.cluster {
          seed-node-timeout = 2s
          retry-unsuccessful-join-after = 1s
          split-brain-resolver.stable-after = 5s
          failure-detector.acceptable-heartbeat-pause = 2s
        }

        """;

    /// <summary>
    /// How long a test waits for a node to be ready (joined, Up, in sync): generous, because a node of a loaded 2-core CI
    /// machine may take tens of seconds to start and join; a healthy one is ready in a few.
    /// </summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>False: nodes get no seed list (GATEWAY_SEEDS), for clusters formed by Cluster.Bootstrap.</summary>
    public bool UseSeeds { get; init; } = true;

    /// <summary>Ports of node i.</summary>
    public (int Ingress, int Admin, int Remote)[] Ports { get; }

    /// <summary>The directory holding the shared journal.</summary>
    public string DataDirectory { get; }

    /// <summary>Client for admin ports (use <see cref="AdminUrl"/>).</summary>
    public HttpClient Admin { get; }

    /// <summary>Client for ingress ports (use <see cref="IngressUrl"/>).</summary>
    public HttpClient Client { get; }

    /// <summary>Node i's process, if started.</summary>
    public NodeProcess? this[int i] => _nodes[i];

    /// <summary>Base URL of node i's admin port.</summary>
    public string AdminUrl(int i) => $"http://127.0.0.1:{Ports[i].Admin}";

    /// <summary>Base URL of node i's ingress port.</summary>
    public string IngressUrl(int i) => $"http://127.0.0.1:{Ports[i].Ingress}";

    /// <summary>Starts node i with the first node as the seed, and <paramref name="extraArgs"/> (e.g. <c>--set key=value</c>).</summary>
    public void Start(int i, params string[] extraArgs) => StartWithConfig(i, _configFile, extraArgs);

    /// <summary>Starts node i with the first node as the seed, with <paramref name="configFile"/> (<see cref="BaseConfig"/> and more) and <paramref name="extraArgs"/>.</summary>
    public void StartWithConfig(int i, string configFile, params string[] extraArgs)
    {
        var environment = new Dictionary<string, string> { ["GATEWAY_DATA_DIR"] = DataDirectory };
        if (UseSeeds) environment["GATEWAY_SEEDS"] = $"akka.tcp://gateway@127.0.0.1:{Ports[0].Remote}";
        _nodes[i] = NodeProcess.Start(environment, [
            "--config", configFile,
            "--set", $"gateway.ingress.port={Ports[i].Ingress}",
            "--set", $"gateway.admin.port={Ports[i].Admin}",
            "--set", $"akka.remote.dot-netty.tcp.port={Ports[i].Remote}",
            .. extraArgs]);
    }

    /// <summary>Kills node i (no leave, no drain).</summary>
    public void Kill(int i)
    {
        _nodes[i]?.Dispose();
        _nodes[i] = null;
    }

    /// <summary>Waits until node i's <c>/readyz</c> answers 200 (Up and in sync), failing with the node's output after <paramref name="timeout"/>.</summary>
    public async Task WaitReadyAsync(int i, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var node = _nodes[i] ?? throw new InvalidOperationException($"node {i} is not started");
            if (node.Process.HasExited) throw new InvalidOperationException($"node {i} exited early:\n{node.Output}");
            try
            {
                using var ready = await Admin.GetAsync($"{AdminUrl(i)}/readyz");
                if (ready.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"node {i} not ready within {timeout}:\n{_nodes[i]?.Output}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        for (var i = 0; i < _nodes.Length; i++) Kill(i);
        Admin.Dispose();
        Client.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
