using Akka.Configuration;
using Gateway.Actors.Ops;
using Gateway.Node.Configuration;
using Xunit;

namespace Gateway.Tests.Ops;

public sealed class OpsSettingsTests
{
    [Fact]
    public void Defaults_ArePinned()
    {
        var settings = OpsSettings.FromConfig(NodeConfigLoader.Defaults);
        Assert.Equal(new OpsSettings("127.0.0.1", 9110, "", 1000, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3), 1024), settings);
        Assert.True(settings.Enabled);
        Assert.False(settings.RequiresToken);
    }

    [Fact]
    public void EnvironmentAndSet_OverrideTheDefaults()
    {
        var env = new Dictionary<string, string?> { ["GATEWAY_OPS_PORT"] = "9999", ["GATEWAY_OPS_TOKEN"] = "t0k3n" };
        var config = NodeConfigLoader.Load(["--set", "gateway.ops.hostname=0.0.0.0", "--set", "gateway.ops.log-buffer-size=50"], env);
        var settings = OpsSettings.FromConfig(config);
        Assert.Equal(("0.0.0.0", 9999, "t0k3n", 50), (settings.Hostname, settings.Port, settings.Token, settings.LogBufferSize));
        Assert.True(settings.RequiresToken);
        Assert.Equal(System.Net.IPAddress.Any, settings.BindAddress());
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    public void NonLoopbackBind_WithoutToken_IsRefused(string hostname)
    {
        var ex = Assert.Throws<ConfigurationException>(() => OpsSettings.FromConfig(Config($"hostname = \"{hostname}\"")));
        Assert.Contains("gateway.ops.token: required", ex.Message);
    }

    [Fact]
    public void NonLoopbackBind_WithPortZero_IsOffAndNeedsNoToken()
    {
        var settings = OpsSettings.FromConfig(Config("hostname = \"0.0.0.0\", port = 0"));
        Assert.False(settings.Enabled);
    }

    [Fact]
    public void Hostname_NotAnAddress_IsRefused()
    {
        var ex = Assert.Throws<ConfigurationException>(() => OpsSettings.FromConfig(Config("hostname = \"ops.example.com\", token = t")));
        Assert.Contains("gateway.ops.hostname: 'ops.example.com' is not an IP address", ex.Message);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("::1")]
    public void LoopbackBind_NeedsNoToken(string hostname) =>
        Assert.False(OpsSettings.FromConfig(Config($"hostname = \"{hostname}\"")).RequiresToken);

    [Fact]
    public void NodeBuild_NonLoopbackOpsWithoutToken_RefusesToStart()
    {
        var config = ConfigurationFactory.ParseString("gateway.ops.hostname = \"0.0.0.0\"").WithFallback(NodeConfigLoader.Defaults);
        var ex = Assert.Throws<ConfigurationException>(() => Gateway.Node.Hosting.NodeHost.Build(config));
        Assert.Contains("gateway.ops.token", ex.Message);
    }

    private static Config Config(string ops) =>
        ConfigurationFactory.ParseString($"gateway.ops {{ {ops} }}").WithFallback(NodeConfigLoader.Defaults);
}
