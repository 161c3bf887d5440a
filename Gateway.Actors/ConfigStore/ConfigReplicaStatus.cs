namespace Gateway.Actors.ConfigStore;

/// <summary>
/// Whether this node's route table has been built from the replicated route set after the node's startup
/// rehydration (<c>/readyz</c> and the admin reads check it), and this node's monotonic views of the replicated routes and
/// upstreams, which the admin reads serve. Written only by the route-replica actor.
/// </summary>
public sealed class ConfigReplicaStatus
{
    private volatile bool _synced;
    private volatile DefinitionView _routes = DefinitionView.Empty;
    private volatile DefinitionView _upstreams = DefinitionView.Empty;

    /// <summary>True once the replicated set, complete after rehydration, has been applied to the route table.</summary>
    public bool IsSynced => _synced;

    /// <summary>This node's view of the routes (see <see cref="DefinitionView"/>).</summary>
    public DefinitionView Routes => _routes;

    /// <summary>This node's view of the upstreams.</summary>
    public DefinitionView Upstreams => _upstreams;

    /// <summary>Called by the route-replica actor when the route table acknowledged the first post-rehydration set.</summary>
    public void MarkSynced() => _synced = true;

    /// <summary>Called by the route-replica actor with the views it sends to the route table.</summary>
    public void Publish(DefinitionView upstreams, DefinitionView routes)
    {
        _upstreams = upstreams;
        _routes = routes;
    }
}
