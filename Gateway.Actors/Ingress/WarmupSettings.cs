using Akka.Configuration;

namespace Gateway.Actors.Ingress;

/// <summary>The warm-up pass before the ingress opens, read from <c>gateway.warm-up</c> (defaults and comments in hocon/gateway.conf).</summary>
/// <param name="Duration">The longest the pass runs; zero turns it off.</param>
/// <param name="Batch">Requests each connection sends back to back before each pause.</param>
/// <param name="Pause">Idle time between two bursts.</param>
/// <param name="Connections">Connections the pass sends on side by side.</param>
/// <param name="Quiet">The pass ends early once the JIT compiled fewer than one method per 100 ms over this long; zero: it runs its whole duration.</param>
public sealed record WarmupSettings(TimeSpan Duration, int Batch, TimeSpan Pause, int Connections = 1, TimeSpan Quiet = default)
{
    /// <summary>Reads the settings from the node's config.</summary>
    /// <exception cref="ConfigurationException">A duration, pause or quiet period that is not a duration, or a batch or
    /// connection count below 1 with the pass on.</exception>
    public static WarmupSettings FromConfig(Config config)
    {
        const string At = "gateway.warm-up";
        var c = config.GetConfig(At);
        var settings = new WarmupSettings(ConfigValues.Duration(c, At, "duration"), c.GetInt("batch"), ConfigValues.Duration(c, At, "pause"),
            c.GetInt("connections"), ConfigValues.Duration(c, At, "quiet"));
        if (settings.Duration > TimeSpan.Zero && settings.Batch < 1)
            throw new ConfigurationException("gateway.warm-up.batch: must be at least 1 when the pass is on");
        if (settings.Duration > TimeSpan.Zero && settings.Connections < 1)
            throw new ConfigurationException("gateway.warm-up.connections: must be at least 1 when the pass is on");
        return settings;
    }
}
