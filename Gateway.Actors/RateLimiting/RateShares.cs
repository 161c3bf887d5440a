namespace Gateway.Actors.RateLimiting;

/// <summary>How a cluster-scope limit is split between the nodes: in proportion to their demand.</summary>
internal static class RateShares
{
    /// <summary>The least share a node keeps (of the limit), so a key that moves to it is not starved for a round.</summary>
    public const double Floor = 0.02;

    /// <summary>
    /// This node's share of <paramref name="limit"/>, given its own demand and the sum of the other nodes' demand
    /// (requests per second). With no demand anywhere every node gets an equal share of <paramref name="nodes"/>.
    /// </summary>
    /// <remarks>
    /// The shares of all nodes add up to the limit when they see the same demand; they see it one gossip round late,
    /// so when demand shifts the sum can exceed the limit by the shifted part for that round, plus the floors.
    /// </remarks>
    public static double ShareOf(double mine, double others, double limit, int nodes)
    {
        var total = mine + others;
        if (total <= 1e-9) return limit / Math.Max(1, nodes);
        return Math.Max(limit * Floor, limit * mine / total);
    }
}
