namespace Gateway.Protocol.Routing;

/// <summary>A route's rate limit: how requests are keyed, how many each key may make, and over which scope.</summary>
public sealed record RateLimitDefinition
{
    /// <summary><c>client-ip</c> (honouring trusted proxies), <c>route</c> (one budget for all), or <c>header:NAME</c>.</summary>
    public string Key { get; init; } = "client-ip";

    /// <summary><c>token-bucket</c> (bursts up to <see cref="Burst"/>) or <c>sliding-window</c>.</summary>
    public string Algorithm { get; init; } = "token-bucket";

    /// <summary>Requests allowed per <see cref="Period"/> and key.</summary>
    public int Limit { get; init; }

    /// <summary>The period the limit is counted over.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Token bucket capacity: the largest burst (the limit when omitted).</summary>
    public int? Burst { get; init; }

    /// <summary><c>node</c>: each node counts alone; <c>cluster</c>: the limit holds for the sum over all nodes.</summary>
    public string Scope { get; init; } = "node";
}
