using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Ops;

/// <summary>
/// pbm as a Petabridge.Cmd user expects it, as a process against a real node: the default address, Petabridge's
/// switches, the hierarchy of /system/sharding, help on stdout, typed JSON, every policy of a route, the interactive
/// shell's connect check; and the same runtime state over the admin API.
/// </summary>
[Trait("Category", "Process")]
public sealed class PbmParityProcessTests(PbmNodeFixture node) : IClassFixture<PbmNodeFixture>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pbm-parity-");
    private readonly HttpClient _admin = new() { Timeout = TimeSpan.FromSeconds(10) };

    private Task<(int ExitCode, string Stdout, string Stderr)> Pbm(params string[] command) => PbmProcess.RunAsync([node.Target, .. command]);

    [Fact]
    public async Task NoAddress_TalksTo127001Port9110()
    {
        // Wait for 9110 to be free (another test run on this machine may hold it for a moment), then start a node there.
        await Eventually.TrueAsync(() => Task.FromResult(PortIsFree(9110)), TimeSpan.FromSeconds(30), () => "port 9110 stayed in use");
        int admin = FreePort.Next();
        using var defaultNode = NodeProcess.Start("--set", "gateway.ops.port=9110", "--set", $"gateway.admin.port={admin}",
            "--set", $"gateway.ingress.port={FreePort.Next()}", "--set", "gateway.ingress.hostname=127.0.0.1", "--set", "gateway.sample.enabled=off", "--set", "akka.remote.dot-netty.tcp.port=0");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Node.NodeProcessTests.WaitReadyAsync(client, admin, defaultNode);

        var (exit, stdout, stderr) = await PbmProcess.RunAsync(["cluster", "show"]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("Up", stdout);

        // pbm alone: the interactive shell on the same address.
        (exit, stdout, stderr) = await PbmProcess.RunAsync([], stdin: "cluster leader\nexit\n");
        Assert.True(exit == 0, stderr);
        Assert.Contains("connected to 127.0.0.1:9110", stdout);
        Assert.Contains("pbm 127.0.0.1:9110> ", stdout);
        Assert.Contains("akka.tcp://gateway@", stdout);
    }

    [Theory]
    [InlineData("cluster leave -a akka.tcp://gateway@127.0.0.1:1")]
    [InlineData("cluster leave --address akka.tcp://gateway@127.0.0.1:1")]
    [InlineData("cluster down -a akka.tcp://gateway@127.0.0.1:1")]
    public async Task ClusterSwitches_Accepted_AndTheAddressIsChecked(string command)
    {
        var (exit, _, stderr) = await Pbm(command.Split(' '));

        Assert.Equal(1, exit);   // not 2: the switch was understood; the address is simply no member
        Assert.Contains("akka.tcp://gateway@127.0.0.1:1 is not a member of this cluster", stderr);
    }

    [Fact]
    public async Task ClusterJoin_Switch_Accepted()
    {
        var (exit, stdout, stderr) = await Pbm("cluster", "join", "-a", "not-an-address");
        Assert.Equal(2, exit);
        Assert.Contains("'not-an-address' is not a cluster address", stderr);
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task ActorHierarchy_DepthAndSystemSharding()
    {
        var (exit, stdout, stderr) = await Pbm("actor", "hierarchy", "-d", "1");
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("/user/upstreams", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith(' '));   // depth 1: no children shown

        (exit, stdout, stderr) = await Pbm("actor", "hierarchy", "--depth", "2", "--system", "sharding");
        Assert.True(exit == 0, stderr);
        lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("/system/sharding/"));
        Assert.Contains(lines, l => l.StartsWith("  "));        // the regions' shards
        Assert.DoesNotContain(lines, l => l.StartsWith("    ")); // but not their entities at depth 2

        (exit, stdout, stderr) = await Pbm("actor", "hierarchy", "-d", "0");
        Assert.Equal(2, exit);
        Assert.Contains("-d must be a number from 1 to 8", stderr);
    }

    [Fact]
    public async Task Help_OnStdout_ErrorsOnStderr()
    {
        var (exit, stdout, stderr) = await PbmProcess.RunAsync(["--help"]);
        Assert.Equal(0, exit);
        Assert.Contains("usage: pbm [HOST:PORT]", stdout);
        Assert.Empty(stderr);

        (exit, stdout, stderr) = await Pbm("help", "cluster");
        Assert.Equal(0, exit);
        Assert.Contains("cluster leave [address] [-a|--address ADDRESS]", stdout);
        Assert.Empty(stderr);

        (exit, stdout, stderr) = await Pbm("--json", "gateway", "routes", "nope");
        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        using (var error = System.Text.Json.JsonDocument.Parse(stderr.Trim()))
        {
            Assert.Equal("error", error.RootElement.GetProperty("type").GetString());
            Assert.Contains("no route 'nope'", error.RootElement.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Json_TypedValuesAndCamelCaseKeys()
    {
        var (exit, stdout, stderr) = await Pbm("--json", "gateway", "upstreams", "backend");
        Assert.True(exit == 0, stderr);
        var frames = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        var upstream = frames.Single(f => f.GetProperty("name").GetString() == "upstreams").GetProperty("rows")[0];
        Assert.Equal("weighted", upstream.GetProperty("loadBalancing").GetString());
        Assert.Equal(JsonValueKind.Number, upstream.GetProperty("maxInFlight").ValueKind);
        var endpoint = frames.Single(f => f.GetProperty("name").GetString() == "endpoints").GetProperty("rows")
            .EnumerateArray().Single(e => e.GetProperty("url").GetString() == "http://127.0.0.1:9");
        Assert.Equal(3, endpoint.GetProperty("weight").GetInt32());
        Assert.Equal(0, endpoint.GetProperty("inFlight").GetInt32());
        Assert.Equal(JsonValueKind.True, endpoint.GetProperty("healthy").ValueKind);

        (exit, stdout, _) = await Pbm("--json", "gateway", "routes");
        Assert.Equal(0, exit);
        var route = JsonDocument.Parse(stdout).RootElement.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "orders");
        Assert.Equal(JsonValueKind.Number, route.GetProperty("version").ValueKind);
    }

    [Fact]
    public async Task RoutesId_ShowsEveryPolicy()
    {
        var file = Path.Combine(_dir.FullName, "policies.conf");
        File.WriteAllText(file, """
            gateway.routes = [ {
              id = guarded, path = "/guarded/{**rest}", upstream = backend
              max-request-body-size = 1KiB
              rate-limit { key = client-ip, limit = 5, period = 1s }
              cors { allowed-origins = [ "https://app.example.com" ] }
              ip-rules { deny = [ "203.0.113.0/24" ] }
              request-headers { add { X-From = "gw" } }
              cache { default-ttl = 5s }
            } ]
            """);
        var (exit, _, stderr) = await Pbm("gateway", "config", "sync", file);
        Assert.True(exit == 0, stderr);

        var stdout = "";
        await Eventually.TrueAsync(async () => (stdout = (await Pbm("gateway", "routes", "guarded")).Stdout).Contains("rate-limit"),
            TimeSpan.FromSeconds(15), () => stdout);
        var fields = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', 2)[0]).ToArray();
        Assert.Superset(new HashSet<string> { "max-request-body-size", "rate-limit", "cors", "ip-rules", "request-headers", "cache", "timeout", "version" }, fields.ToHashSet());
        Assert.Contains("limit 5", stdout);
    }

    [Fact]
    public async Task Interactive_ChecksTheConnectionBeforeSayingConnected()
    {
        var (exit, stdout, stderr) = await PbmProcess.RunAsync([$"127.0.0.1:{FreePort.Next()}"], stdin: "cluster show\nexit\n");
        Assert.Equal(1, exit);
        Assert.DoesNotContain("connected", stdout);
        Assert.Contains("cannot connect to 127.0.0.1:", stderr);

        (exit, stdout, _) = await PbmProcess.RunAsync([node.Target], stdin: "exit\n");
        Assert.Equal(0, exit);
        Assert.Contains($"connected to {node.Target}", stdout);
    }

    [Fact]
    public async Task AdminApi_RuntimeState_AsPbmShowsIt()
    {
        using var health = JsonDocument.Parse(await _admin.GetStringAsync($"{node.AdminUrl}/admin/upstreams/backend/health"));
        Assert.Equal("backend", health.RootElement.GetProperty("name").GetString());
        var endpoint = health.RootElement.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("url").GetString() == "http://127.0.0.1:9");
        Assert.Equal(3, endpoint.GetProperty("weight").GetInt32());
        Assert.Equal("closed", endpoint.GetProperty("breaker").GetString());
        Assert.True(endpoint.GetProperty("healthy").GetBoolean());

        using var breakers = JsonDocument.Parse(await _admin.GetStringAsync($"{node.AdminUrl}/admin/breakers"));
        Assert.Contains(breakers.RootElement.EnumerateArray(), b => b.GetProperty("upstream").GetString() == "backend" && b.GetProperty("available").ValueKind == JsonValueKind.True);

        using var limits = await _admin.GetAsync($"{node.AdminUrl}/admin/ratelimits");
        Assert.Equal(HttpStatusCode.OK, limits.StatusCode);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(await limits.Content.ReadAsStringAsync()).RootElement.ValueKind);

        using var missing = await _admin.GetAsync($"{node.AdminUrl}/admin/upstreams/nope/health");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _admin.Dispose();
        _dir.Delete(recursive: true);
    }
}
