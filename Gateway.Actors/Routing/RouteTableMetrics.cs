using Prometheus;

namespace Gateway.Actors.Routing;

/// <summary>
/// How far configuration has propagated to this node: the generation and size of its route table and when it was last
/// published. Nodes that disagree on the route count, or a stale publish time after an edit, show a change not yet applied.
/// </summary>
internal static class RouteTableMetrics
{
    /// <summary>Route table generation on this node (grows with each compile).</summary>
    public static readonly Gauge Generation = Metrics.CreateGauge(
        "gateway_route_table_generation", "Generation of this node's compiled route table (grows with each published change).");

    /// <summary>Routes in this node's table.</summary>
    public static readonly Gauge Routes = Metrics.CreateGauge(
        "gateway_route_table_routes", "Routes in this node's compiled route table.");

    /// <summary>Routes skipped when compiling (unknown upstream, unreadable fallback file...).</summary>
    public static readonly Gauge Skipped = Metrics.CreateGauge(
        "gateway_route_table_skipped_routes", "Routes this node could not compile into its table (see the node's log for why).");

    /// <summary>Unix time of the last publish.</summary>
    public static readonly Gauge PublishedAt = Metrics.CreateGauge(
        "gateway_route_table_published_timestamp_seconds", "Unix time at which this node last published a route table.");

    /// <summary>Records one publish.</summary>
    public static void Published(long generation, int routes, int skipped)
    {
        Generation.Set(generation);
        Routes.Set(routes);
        Skipped.Set(skipped);
        PublishedAt.SetToCurrentTimeUtc();
    }
}
