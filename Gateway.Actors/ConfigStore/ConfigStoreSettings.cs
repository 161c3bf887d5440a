using Akka.Configuration;

namespace Gateway.Actors.ConfigStore;

/// <summary>Settings of the cluster-owned config store, read from <c>gateway.data-directory</c>, <c>gateway.persistence</c> and <c>gateway.config-store</c>.</summary>
public sealed record ConfigStoreSettings(
    string DataDirectory,
    string Provider,
    string SqliteFile,
    string ConnectionString,
    int Shards,
    TimeSpan WriteTimeout,
    TimeSpan RetryInterval,
    TimeSpan RepublishInterval)
{
    /// <summary>Reads the settings from the node's config.</summary>
    /// <exception cref="ConfigurationException">The provider is unknown, or PostgreSQL has no connection string.</exception>
    public static ConfigStoreSettings FromConfig(Config config)
    {
        var g = config.GetConfig("gateway");
        var settings = new ConfigStoreSettings(
            g.GetString("data-directory"),
            g.GetString("persistence.provider").ToLowerInvariant(),
            g.GetString("persistence.sqlite-file"),
            g.GetString("persistence.connection-string") ?? "",
            g.GetInt("config-store.shards"),
            g.GetTimeSpan("config-store.write-timeout"),
            g.GetTimeSpan("config-store.retry-interval"),
            g.GetTimeSpan("config-store.republish-interval"));
        if (settings.Provider is not ("sqlite" or "postgresql"))
            throw new ConfigurationException($"gateway.persistence.provider: '{settings.Provider}' is not one of sqlite, postgresql");
        if (settings.Provider == "postgresql" && string.IsNullOrWhiteSpace(settings.ConnectionString))
            throw new ConfigurationException("gateway.persistence.connection-string: required when gateway.persistence.provider is postgresql");
        return settings;
    }

    /// <summary>Full path of the SQLite file: <see cref="SqliteFile"/> inside <see cref="DataDirectory"/> (relative to the working directory).</summary>
    public string SqlitePath => Path.GetFullPath(Path.Combine(DataDirectory, SqliteFile));

    /// <summary>The connection string the journal uses.</summary>
    public string EffectiveConnectionString =>
        !string.IsNullOrWhiteSpace(ConnectionString) ? ConnectionString
        // Several node processes may share one file on one machine: wait on the lock rather than fail at once.
        : $"Data Source={SqlitePath};Pooling=True;Default Timeout=30";
}
