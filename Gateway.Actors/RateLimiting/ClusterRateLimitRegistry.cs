using System.Collections.Concurrent;

namespace Gateway.Actors.RateLimiting;

/// <summary>The node's cluster-scope limiters by route id: the route-table actor puts them here, the rate-limit actor reads them.</summary>
public sealed class ClusterRateLimitRegistry
{
    private volatile IReadOnlyList<ClusterRateLimiter> _limiters = [];
    private volatile int _members = 1;

    /// <summary>The current limiters.</summary>
    public IReadOnlyList<ClusterRateLimiter> Limiters => _limiters;

    /// <summary>Up, reachable members as the rate-limit actor last heard from the cluster: a new limiter starts at this many shares.</summary>
    public int Members
    {
        get => _members;
        set => _members = Math.Max(1, value);
    }

    /// <summary>Replaces the set; called by the route-table actor when it publishes a table.</summary>
    public void Publish(IReadOnlyList<ClusterRateLimiter> limiters) => _limiters = limiters;
}
