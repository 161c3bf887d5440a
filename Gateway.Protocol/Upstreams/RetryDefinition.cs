using System.Collections.Immutable;

namespace Gateway.Protocol.Upstreams;

/// <summary>Retries of failed requests to another endpoint; null fields take <c>gateway.upstream-defaults.retry</c>.</summary>
public sealed record RetryDefinition
{
    /// <summary>Tries in all, the first included (1 turns retries off).</summary>
    public int? Attempts { get; init; }

    /// <summary>Methods that may be retried (idempotent ones by default).</summary>
    public ImmutableArray<string>? Methods { get; init; }

    /// <summary>Most retries as a share of requests (0.2 = at most 20% extra load).</summary>
    public double? Budget { get; init; }

    /// <summary>Time after admission past which no retry starts.</summary>
    public TimeSpan? OverallTimeout { get; init; }

    /// <summary>Base of the jittered backoff before a retry.</summary>
    public TimeSpan? Backoff { get; init; }
}
