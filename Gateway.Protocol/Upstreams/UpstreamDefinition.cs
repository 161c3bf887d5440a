using System.Collections.Immutable;

namespace Gateway.Protocol.Upstreams;

/// <summary>An upstream service as users write it: its endpoints and how traffic is spread and bounded.</summary>
/// <remarks>Null limits take the values under <c>gateway.upstream-defaults</c> in the node's HOCON.</remarks>
public sealed record UpstreamDefinition : Cluster.IGatewayMessage
{
    /// <summary>Unique upstream name, referenced by routes.</summary>
    public string Name { get; init; } = "";

    /// <summary>The endpoints requests are spread over.</summary>
    public ImmutableArray<EndpointDefinition> Endpoints { get; init; } = [];

    /// <summary>How an endpoint is picked; null uses the default.</summary>
    public LoadBalancingMode? LoadBalancing { get; init; }

    /// <summary>Where <see cref="LoadBalancingMode.ConsistentHash"/> reads its key (<c>header:NAME</c>, <c>cookie:NAME</c>, <c>client-ip</c>, <c>claim:NAME</c>, <c>api-key</c>); null otherwise.</summary>
    public string? HashKey { get; init; }

    /// <summary>Most requests forwarded at once; null uses the default.</summary>
    public int? MaxInFlight { get; init; }

    /// <summary>Most requests waiting for an in-flight slot before new ones are shed with 503; null uses the default.</summary>
    public int? MaxQueued { get; init; }

    /// <summary>Time allowed to open a connection to an endpoint; null uses the default.</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>Time allowed for the endpoint to send response headers; null uses the default.</summary>
    public TimeSpan? RequestTimeout { get; init; }

    /// <summary>Passive outlier detection; null uses the defaults.</summary>
    public CircuitBreakerDefinition? CircuitBreaker { get; init; }

    /// <summary>Active health probing; null probes nothing.</summary>
    public HealthCheckDefinition? HealthCheck { get; init; }

    /// <summary>Retries; null uses the defaults.</summary>
    public RetryDefinition? Retry { get; init; }

    /// <summary>Version assigned by the owner; 0 for a definition not yet accepted.</summary>
    public long Version { get; init; }
}
