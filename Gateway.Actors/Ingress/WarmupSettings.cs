using Akka.Configuration;

namespace Gateway.Actors.Ingress;

/// <summary>The warm-up pass before the ingress opens, read from <c>gateway.warm-up</c> (defaults and comments in hocon/gateway.conf).</summary>
/// <param name="Duration">How long the pass runs; zero turns it off.</param>
/// <param name="Batch">Requests sent back to back before each pause.</param>
/// <param name="Pause">Idle time between two batches.</param>
public sealed record WarmupSettings(TimeSpan Duration, int Batch, TimeSpan Pause)
{
    /// <summary>Reads the settings from the node's config.</summary>
    /// <exception cref="ConfigurationException">A duration or pause that is not a duration, or a batch below 1 with the pass on.</exception>
    public static WarmupSettings FromConfig(Config config)
    {
        const string At = "gateway.warm-up";
        var c = config.GetConfig(At);
        var settings = new WarmupSettings(ConfigDurations.Get(c, At, "duration"), c.GetInt("batch"), ConfigDurations.Get(c, At, "pause"));
        if (settings.Duration > TimeSpan.Zero && settings.Batch < 1)
            throw new ConfigurationException("gateway.warm-up.batch: must be at least 1 when the pass is on");
        return settings;
    }
}
