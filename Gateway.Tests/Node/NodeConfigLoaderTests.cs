using Akka.Configuration;
using Gateway.Actors.Upstreams;
using Gateway.Node.Configuration;
using Gateway.Protocol.Upstreams;
using Xunit;

namespace Gateway.Tests.Node;

public sealed class NodeConfigLoaderTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = new();

    [Fact]
    public void Defaults_ArePinned()
    {
        var settings = NodeSettings.FromConfig(NodeConfigLoader.Defaults);
        Assert.Equal(("0.0.0.0", 8080, 0), (settings.IngressHost, settings.IngressPort, settings.H2cPort));
        Assert.Equal(("127.0.0.1", 8081, ""), (settings.AdminHost, settings.AdminPort, settings.AdminToken));
        Assert.False(settings.SampleEnabled);
        Assert.False(settings.HasSeedNodes);
        Assert.Equal(new IngressLimits(8192, 32768, 100, TimeSpan.FromSeconds(15), 240, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(120)), settings.Limits);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.DrainTimeout);

        var upstream = UpstreamDefaults.FromConfig(NodeConfigLoader.Defaults);
        Assert.Equal((LoadBalancingMode.RoundRobin, 1024, 1024, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1)),
            (upstream.LoadBalancing, upstream.MaxInFlight, upstream.MaxQueued, upstream.ConnectTimeout, upstream.RequestTimeout, upstream.PooledConnectionIdleTimeout, upstream.RetryAfter));
        Assert.Equal(new BreakerPolicy(5, 0.5, 20, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2), 3), upstream.Breaker);
        Assert.Equal(new HealthCheckPolicy(null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), 2, 3), upstream.HealthCheck);
        Assert.Equal((2, 0.2, 3, TimeSpan.FromMilliseconds(25), TimeSpan.FromSeconds(30)), (upstream.Retry.Attempts, upstream.Retry.Budget, upstream.Retry.MinRetriesPerSecond, upstream.Retry.Backoff, upstream.Retry.OverallTimeout));
        Assert.Equal(["DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE"], upstream.Retry.Methods.Order());
        Assert.Equal(4053, NodeConfigLoader.Defaults.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal("keep-majority", NodeConfigLoader.Defaults.GetString("akka.cluster.split-brain-resolver.active-strategy"));
    }

    [Fact]
    public void Load_NoArguments_IsTheSampleNode()
    {
        var config = NodeConfigLoader.Load([], NoEnvironment);
        Assert.True(NodeSettings.FromConfig(config).SampleEnabled);
        Assert.True(config.HasPath("gateway.routes"));
    }

    [Fact]
    public void Load_FileThenEnvironmentThenSet_LaterLayersWin()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "gateway { ingress.port = 9000, admin.port = 9001, logging.level = Debug }");
            var env = new Dictionary<string, string?>
            {
                ["GATEWAY_ADMIN_PORT"] = "9101",
                ["GATEWAY_SEEDS"] = "akka.tcp://gateway@10.0.0.1:4053, akka.tcp://gateway@10.0.0.2:4053",
                ["GATEWAY_PORT_REMOTE"] = "4999",
            };
            var config = NodeConfigLoader.Load(["--config", file, "--set", "gateway.logging.level=Warning"], env);
            var settings = NodeSettings.FromConfig(config);
            Assert.Equal(9000, settings.IngressPort);
            Assert.Equal(9101, settings.AdminPort);
            Assert.Equal(Serilog.Events.LogEventLevel.Warning, settings.LogLevel);
            Assert.False(settings.SampleEnabled);
            Assert.True(settings.HasSeedNodes);
            Assert.Equal(["akka.tcp://gateway@10.0.0.1:4053", "akka.tcp://gateway@10.0.0.2:4053"], config.GetStringList("akka.cluster.seed-nodes"));
            Assert.Equal(4999, config.GetInt("akka.remote.dot-netty.tcp.port"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--config")]
    [InlineData("--set", "no-equals-sign")]
    public void Load_BadArguments_ThrowWithUsage(params string[] args)
    {
        var error = Assert.Throws<ArgumentException>(() => NodeConfigLoader.Load(args, NoEnvironment));
        Assert.Contains("Usage", error.Message);
    }

    [Fact]
    public void Load_MissingFile_SaysWhich()
    {
        var error = Assert.Throws<ArgumentException>(() => NodeConfigLoader.Load(["--config", "/nope/missing.conf"], NoEnvironment));
        Assert.Contains("/nope/missing.conf", error.Message);
    }

    [Fact]
    public void Load_FileThatIsNotHocon_IsAConfigurationErrorNamingTheFile()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "gateway {\n  routes = [ { id = a, rewrite { strip-prefix = \"/a\" }, cache { default-ttl = 1h } } ]\n}\n");
            var error = Assert.Throws<ConfigurationException>(() => NodeConfigLoader.Load(["--config", file], NoEnvironment));
            Assert.Contains($"config file '{file}' is not valid HOCON", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Settings_AdminOnNonLoopbackWithoutToken_IsRefused()
    {
        var config = ConfigurationFactory.ParseString("gateway.admin.hostname = \"0.0.0.0\"").WithFallback(NodeConfigLoader.Defaults);
        var error = Assert.Throws<ConfigurationException>(() => NodeSettings.FromConfig(config));
        Assert.Contains("gateway.admin.token", error.Message);
    }

    [Fact]
    public void Settings_DrainTimeout_OverrideWins_MalformedIsRefusedByKey()
    {
        var config = ConfigurationFactory.ParseString("gateway.shutdown.drain-timeout = 5s").WithFallback(NodeConfigLoader.Defaults);
        Assert.Equal(TimeSpan.FromSeconds(5), NodeSettings.FromConfig(config).DrainTimeout);

        foreach (var bad in (string[])["-1s", "soon"])
        {
            var malformed = ConfigurationFactory.ParseString($"gateway.shutdown.drain-timeout = {bad}").WithFallback(NodeConfigLoader.Defaults);
            var error = Assert.Throws<ConfigurationException>(() => NodeSettings.FromConfig(malformed));
            Assert.Contains("gateway.shutdown.drain-timeout", error.Message);
        }
    }
}
