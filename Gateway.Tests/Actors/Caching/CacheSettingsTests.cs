using Gateway.Actors.Caching;
using Gateway.Node.Configuration;
using Xunit;

namespace Gateway.Tests.Actors.Caching;

public sealed class CacheSettingsTests
{
    [Fact]
    public void Defaults_ArePinned()
    {
        Assert.Equal(
            new CacheSettings(256L * 1024 * 1024, 100_000, 1024 * 1024, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(10),
                true, TimeSpan.FromMilliseconds(250), 256 * 1024, 256L * 1024 * 1024, 100_000, 60),
            CacheSettings.FromConfig(NodeConfigLoader.Defaults));
        // An L2 entry (base64 in JSON) must fit in one remote frame.
        Assert.Equal(512 * 1024, NodeConfigLoader.Defaults.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
    }

    [Fact]
    public void Overrides_Win()
    {
        var config = NodeConfigLoader.Load(["--set", "gateway.cache.l1-size-limit=8MiB", "--set", "gateway.cache.l2.enabled=off", "--set", "gateway.cache.l2.ask-timeout=1s",
                "--set", "gateway.cache.l2.max-entries=5000"],
            new Dictionary<string, string?>());
        var settings = CacheSettings.FromConfig(config);
        Assert.Equal((8L * 1024 * 1024, false, TimeSpan.FromSeconds(1), 5000), (settings.L1SizeLimit, settings.L2Enabled, settings.L2AskTimeout, settings.L2MaxEntries));
    }
}
