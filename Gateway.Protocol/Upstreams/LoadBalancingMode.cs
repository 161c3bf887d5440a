namespace Gateway.Protocol.Upstreams;

/// <summary>How an upstream picks the endpoint for the next request.</summary>
public enum LoadBalancingMode
{
    /// <summary>Each endpoint in turn.</summary>
    RoundRobin,

    /// <summary>Smooth weighted round robin by endpoint weight.</summary>
    Weighted,

    /// <summary>Two endpoints at random, the one with fewer requests in flight.</summary>
    PowerOfTwoChoices,

    /// <summary>A hash ring with virtual nodes keyed by the upstream's <c>hash-key</c>: the same key reaches the same endpoint on every node.</summary>
    ConsistentHash,
}
