using Akka.Configuration;

namespace Gateway.Actors.Caching;

/// <summary>Node settings of the response cache, read from <c>gateway.cache</c> (defaults and comments in hocon/gateway.conf).</summary>
public sealed record CacheSettings(
    long L1SizeLimit,
    int L1MaxEntries,
    long MaxBodySize,
    TimeSpan StaleRetention,
    TimeSpan CollapseTimeout,
    bool L2Enabled,
    TimeSpan L2AskTimeout,
    long L2MaxEntrySize,
    long L2SizeLimit,
    int L2MaxEntries,
    int L2Shards)
{
    /// <summary>Reads the settings from the node's config.</summary>
    public static CacheSettings FromConfig(Config config)
    {
        var c = config.GetConfig("gateway.cache");
        return new CacheSettings(
            c.GetByteSize("l1-size-limit") ?? 0,
            c.GetInt("l1-max-entries"),
            c.GetByteSize("max-body-size") ?? 0,
            c.GetTimeSpan("stale-retention"),
            c.GetTimeSpan("collapse-timeout"),
            ConfigValues.Flag(c, "gateway.cache", "l2.enabled"),
            c.GetTimeSpan("l2.ask-timeout"),
            c.GetByteSize("l2.max-entry-size") ?? 0,
            c.GetByteSize("l2.size-limit") ?? 0,
            c.GetInt("l2.max-entries"),
            c.GetInt("l2.shards"));
    }
}
