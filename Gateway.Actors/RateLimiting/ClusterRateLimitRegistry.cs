using System.Collections.Concurrent;

namespace Gateway.Actors.RateLimiting;

/// <summary>The node's cluster-scope limiters by route id: the route-table actor puts them here, the rate-limit actor reads them.</summary>
public sealed class ClusterRateLimitRegistry
{
    private volatile IReadOnlyList<ClusterRateLimiter> _limiters = [];

    /// <summary>The current limiters.</summary>
    public IReadOnlyList<ClusterRateLimiter> Limiters => _limiters;

    /// <summary>Replaces the set; called by the route-table actor when it publishes a table.</summary>
    public void Publish(IReadOnlyList<ClusterRateLimiter> limiters) => _limiters = limiters;
}
