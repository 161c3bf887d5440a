using System.Collections.Frozen;
using Akka.Configuration;
using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.Upstreams;

/// <summary>An upstream's resolved retry settings.</summary>
public sealed record RetryPolicy(int Attempts, FrozenSet<string> Methods, double Budget, int MinRetriesPerSecond, TimeSpan Backoff, TimeSpan OverallTimeout)
{
    /// <summary>Reads <c>retry</c> under <c>gateway.upstream-defaults</c>.</summary>
    public static RetryPolicy FromConfig(Config section) => new(
        section.GetInt("attempts"),
        section.GetStringList("methods").Select(m => m.ToUpperInvariant()).ToFrozenSet(StringComparer.OrdinalIgnoreCase),
        section.GetDouble("budget"), section.GetInt("min-retries-per-second"), section.GetTimeSpan("backoff"),
        section.GetTimeSpan("overall-timeout"));

    /// <summary>These defaults overridden by what <paramref name="definition"/> sets.</summary>
    public RetryPolicy With(RetryDefinition? definition) => definition is null ? this : this with
    {
        Attempts = definition.Attempts ?? Attempts,
        Methods = definition.Methods is { } m ? m.ToFrozenSet(StringComparer.OrdinalIgnoreCase) : Methods,
        Budget = definition.Budget ?? Budget,
        Backoff = definition.Backoff ?? Backoff,
        OverallTimeout = definition.OverallTimeout ?? OverallTimeout,
    };

    /// <summary>A backoff drawn from 50–150% of <see cref="Backoff"/>, so retries of many clients do not line up.</summary>
    public TimeSpan JitteredBackoff() => Backoff * (0.5 + Random.Shared.NextDouble());
}
