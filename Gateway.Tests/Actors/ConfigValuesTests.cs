using Akka.Configuration;
using Gateway.Actors;
using Xunit;

namespace Gateway.Tests.Actors;

/// <summary>An on/off setting that is neither is refused with its full key, which the node reports with exit 2.</summary>
public sealed class ConfigValuesTests
{
    [Fact]
    public void AFlagThatIsNotOnOrOff_IsRefusedWithItsFullKey()
    {
        var section = ConfigurationFactory.ParseString("access-log { enabled = maybe, json = on }").GetConfig("access-log");

        var refused = Assert.Throws<ConfigurationException>(() => ConfigValues.Flag(section, "gateway.access-log", "enabled"));
        Assert.Equal("gateway.access-log.enabled: 'maybe' is not on or off (true/false, yes/no)", refused.Message);
        Assert.True(ConfigValues.Flag(section, "gateway.access-log", "json"));
    }

    [Fact]
    public void AtTheRoot_TheKeyIsThePath()
    {
        var config = ConfigurationFactory.ParseString("gateway.watch-config-file = sometimes");

        var refused = Assert.Throws<ConfigurationException>(() => ConfigValues.Flag(config, "", "gateway.watch-config-file"));
        Assert.StartsWith("gateway.watch-config-file: 'sometimes'", refused.Message);
    }
}
