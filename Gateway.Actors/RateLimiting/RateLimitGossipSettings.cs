using Akka.Configuration;

namespace Gateway.Actors.RateLimiting;

/// <summary>How cluster-scope rate-limit demand is gossiped, read from <c>gateway.rate-limiting</c>.</summary>
/// <param name="Interval">How often demand is measured, gossiped and shares moved.</param>
/// <param name="Shards">Distributed Data entries the report is spread over.</param>
/// <param name="MaxGossipedKeys">Most keys one node reports per round (its hottest).</param>
internal sealed record RateLimitGossipSettings(TimeSpan Interval, int Shards, int MaxGossipedKeys)
{
    /// <summary>Reads the settings from a config that has the embedded reference as fallback.</summary>
    public static RateLimitGossipSettings FromConfig(Config config)
    {
        var section = config.GetConfig("gateway.rate-limiting");
        var shards = section.GetInt("gossip-shards");
        var maxKeys = section.GetInt("max-gossiped-keys");
        if (shards < 1) throw new ConfigurationException($"gateway.rate-limiting.gossip-shards: {shards} must be at least 1");
        if (maxKeys < 0) throw new ConfigurationException($"gateway.rate-limiting.max-gossiped-keys: {maxKeys} must not be negative");
        return new RateLimitGossipSettings(section.GetTimeSpan("gossip-interval"), shards, maxKeys);
    }
}
