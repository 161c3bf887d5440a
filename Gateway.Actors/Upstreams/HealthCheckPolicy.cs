using Akka.Configuration;
using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.Upstreams;

/// <summary>An upstream's resolved active health check; <see cref="Path"/> null means no probing.</summary>
public sealed record HealthCheckPolicy(string? Path, TimeSpan Interval, TimeSpan Timeout, int HealthyThreshold, int UnhealthyThreshold)
{
    /// <summary>Reads <c>health-check</c> under <c>gateway.upstream-defaults</c>.</summary>
    public static HealthCheckPolicy FromConfig(Config section) => new(
        null, section.GetTimeSpan("interval"), section.GetTimeSpan("timeout"),
        section.GetInt("healthy-threshold"), section.GetInt("unhealthy-threshold"));

    /// <summary>These defaults overridden by what <paramref name="definition"/> sets.</summary>
    public HealthCheckPolicy With(HealthCheckDefinition? definition) => definition is null ? this : new(
        definition.Path, definition.Interval ?? Interval, definition.Timeout ?? Timeout,
        definition.HealthyThreshold ?? HealthyThreshold, definition.UnhealthyThreshold ?? UnhealthyThreshold);
}
