namespace Gateway.Actors.Routing;

/// <summary>
/// The node's current compiled route table. The route-table actor swaps in a new snapshot atomically; request threads
/// read it with one volatile load and no lock.
/// </summary>
public sealed class RouteTableHolder
{
    private RouteTable<CompiledRoute> _current = RouteTable<CompiledRoute>.Empty;
    private IReadOnlyCollection<Upstreams.UpstreamRuntime> _upstreams = [];
    private volatile bool _loaded;

    /// <summary>The snapshot requests are matched against.</summary>
    public RouteTable<CompiledRoute> Current => Volatile.Read(ref _current);

    /// <summary>True once the first snapshot from the node's definitions has been published.</summary>
    public bool IsLoaded => _loaded;

    /// <summary>The upstreams the current table's routes point at.</summary>
    public IReadOnlyCollection<Upstreams.UpstreamRuntime> Upstreams => Volatile.Read(ref _upstreams);

    /// <summary>Publishes <paramref name="table"/> over <paramref name="upstreams"/>; called by the route-table actor only.</summary>
    public void Publish(RouteTable<CompiledRoute> table, IReadOnlyCollection<Upstreams.UpstreamRuntime> upstreams)
    {
        Volatile.Write(ref _upstreams, upstreams);
        Volatile.Write(ref _current, table);
        _loaded = true;
    }
}
