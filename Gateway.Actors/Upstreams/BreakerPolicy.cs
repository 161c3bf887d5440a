using Akka.Configuration;
using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.Upstreams;

/// <summary>An upstream's resolved circuit-breaker settings.</summary>
public sealed record BreakerPolicy(
    int ConsecutiveFailures, double FailureRatio, int MinimumRequests, TimeSpan Window,
    TimeSpan BaseEjection, TimeSpan MaxEjection, int HalfOpenTrials)
{
    /// <summary>The defaults of the embedded reference config, for endpoint states made outside an upstream runtime.</summary>
    public static BreakerPolicy Default { get; } = FromConfig(GatewayDefaults.Config.GetConfig("gateway.upstream-defaults.circuit-breaker"));

    /// <summary>Reads <c>circuit-breaker</c> under <c>gateway.upstream-defaults</c>.</summary>
    public static BreakerPolicy FromConfig(Config section) => new(
        section.GetInt("consecutive-failures"), section.GetDouble("failure-ratio"), section.GetInt("minimum-requests"),
        section.GetTimeSpan("window"), section.GetTimeSpan("base-ejection"), section.GetTimeSpan("max-ejection"),
        section.GetInt("half-open-trials"));

    /// <summary>These defaults overridden by what <paramref name="definition"/> sets.</summary>
    public BreakerPolicy With(CircuitBreakerDefinition? definition) => definition is null ? this : new(
        definition.ConsecutiveFailures ?? ConsecutiveFailures, definition.FailureRatio ?? FailureRatio,
        definition.MinimumRequests ?? MinimumRequests, definition.Window ?? Window, definition.BaseEjection ?? BaseEjection,
        definition.MaxEjection ?? MaxEjection, definition.HalfOpenTrials ?? HalfOpenTrials);

    /// <summary>Time open after <paramref name="trips"/> trips in a row: base, doubled per trip, capped.</summary>
    public TimeSpan EjectionFor(int trips)
    {
        var factor = Math.Pow(2, Math.Clamp(trips - 1, 0, 30));
        var ticks = Math.Min(BaseEjection.Ticks * factor, MaxEjection.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
