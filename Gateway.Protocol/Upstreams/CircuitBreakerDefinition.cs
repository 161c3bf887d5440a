namespace Gateway.Protocol.Upstreams;

/// <summary>Passive outlier detection of an upstream's endpoints; null fields take <c>gateway.upstream-defaults.circuit-breaker</c>.</summary>
public sealed record CircuitBreakerDefinition
{
    /// <summary>Failures in a row (connect errors, timeouts, 5xx) that open an endpoint.</summary>
    public int? ConsecutiveFailures { get; init; }

    /// <summary>Share of failed requests in a window (0–1) that opens an endpoint.</summary>
    public double? FailureRatio { get; init; }

    /// <summary>Requests a window needs before its failure ratio counts.</summary>
    public int? MinimumRequests { get; init; }

    /// <summary>Length of the failure-ratio window.</summary>
    public TimeSpan? Window { get; init; }

    /// <summary>How long an endpoint stays open after its first trip; doubles with each trip in a row.</summary>
    public TimeSpan? BaseEjection { get; init; }

    /// <summary>Longest an endpoint stays open.</summary>
    public TimeSpan? MaxEjection { get; init; }

    /// <summary>Trial requests let through when half-open; all must succeed to close.</summary>
    public int? HalfOpenTrials { get; init; }
}
