using Akka.Configuration;

namespace Gateway.Actors.Ingress;

/// <summary>The warm-up pass before the ingress opens, read from <c>gateway.warm-up</c> (defaults and comments in hocon/gateway.conf).</summary>
/// <param name="Duration">How long the pass runs; zero turns it off.</param>
/// <param name="Batch">Requests sent back to back before each pause.</param>
/// <param name="Pause">Idle time between two batches.</param>
public sealed record WarmupSettings(TimeSpan Duration, int Batch, TimeSpan Pause)
{
    /// <summary>Reads the settings from the node's config.</summary>
    public static WarmupSettings FromConfig(Config config)
    {
        var c = config.GetConfig("gateway.warm-up");
        return new WarmupSettings(c.GetTimeSpan("duration"), c.GetInt("batch"), c.GetTimeSpan("pause"));
    }
}
