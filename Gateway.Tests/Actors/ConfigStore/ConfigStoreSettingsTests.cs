using Akka.Configuration;
using Gateway.Actors.ConfigStore;
using Gateway.Node.Admin;
using Gateway.Node.Configuration;
using Xunit;

namespace Gateway.Tests.Actors.ConfigStore;

public sealed class ConfigStoreSettingsTests
{
    [Fact]
    public void Defaults_ArePinned()
    {
        var settings = ConfigStoreSettings.FromConfig(NodeConfigLoader.Defaults);

        Assert.Equal(new ConfigStoreSettings("data", "sqlite", "gateway.db", "", 30, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5)), settings);
        Assert.Equal(Path.GetFullPath("data/gateway.db"), settings.SqlitePath);
        Assert.Equal(new AdminApiSettings("", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500)), AdminApiSettings.FromConfig(NodeConfigLoader.Defaults));
        Assert.Equal(TimeSpan.FromSeconds(1), NodeConfigLoader.Defaults.GetTimeSpan("akka.cluster.distributed-data.gossip-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(100), NodeConfigLoader.Defaults.GetTimeSpan("akka.cluster.distributed-data.notify-subscribers-interval"));
    }

    [Fact]
    public void DataDirectory_FromEnvironment_Wins()
    {
        var config = NodeConfigLoader.Load(["--set", "gateway.persistence.sqlite-file=x.db"],
            new Dictionary<string, string?> { ["GATEWAY_DATA_DIR"] = "/var/lib/gateway" });

        var settings = ConfigStoreSettings.FromConfig(config);

        Assert.Equal("/var/lib/gateway/x.db", settings.SqlitePath);
        Assert.Contains("Data Source=/var/lib/gateway/x.db", settings.EffectiveConnectionString);
    }

    [Fact]
    public void PostgreSql_WithConnectionString_SelectsTheProviderEverywhere()
    {
        var config = ConfigurationFactory.ParseString("""
            gateway.persistence { provider = postgresql, connection-string = "Host=db;Database=gateway;Username=gw" }
            """).WithFallback(NodeConfigLoader.Defaults);

        var persistence = ConfigStoreExtensions.PersistenceConfig(ConfigStoreSettings.FromConfig(config));

        var plugin = persistence.GetString("akka.persistence.journal.plugin");
        Assert.Equal(ConfigStoreExtensions.JournalPluginId, plugin);
        Assert.Equal("Host=db;Database=gateway;Username=gw", persistence.GetString($"{plugin}.connection-string"));
        Assert.Equal("postgresql", persistence.GetString($"{plugin}.provider"));
        Assert.Equal(typeof(SqlJournal), Type.GetType(persistence.GetString($"{plugin}.class"), throwOnError: true));
    }

    [Theory]
    [InlineData("gateway.persistence.provider = postgresql", "gateway.persistence.connection-string")]
    [InlineData("gateway.persistence.provider = mongodb", "gateway.persistence.provider")]
    public void FromConfig_InvalidPersistence_NamesTheKey(string hocon, string key)
    {
        var config = ConfigurationFactory.ParseString(hocon).WithFallback(NodeConfigLoader.Defaults);

        var error = Assert.Throws<ConfigurationException>(() => ConfigStoreSettings.FromConfig(config));
        Assert.StartsWith(key, error.Message);
    }
}
