namespace Gateway.Protocol.Upstreams;

/// <summary>Active HTTP health probing of an upstream's endpoints; null fields take <c>gateway.upstream-defaults.health-check</c>.</summary>
public sealed record HealthCheckDefinition
{
    /// <summary>Path probed with GET on each endpoint; a 2xx or 3xx answer is healthy.</summary>
    public string Path { get; init; } = "";

    /// <summary>Time between probes.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>Time a probe may take.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Healthy probes in a row that bring an unhealthy endpoint back.</summary>
    public int? HealthyThreshold { get; init; }

    /// <summary>Failed probes in a row that take an endpoint out.</summary>
    public int? UnhealthyThreshold { get; init; }
}
