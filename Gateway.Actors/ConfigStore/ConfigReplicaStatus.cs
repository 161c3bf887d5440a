namespace Gateway.Actors.ConfigStore;

/// <summary>
/// Whether this node's route table has been built from the replicated route set after the node's startup
/// rehydration; <c>/readyz</c> reads it. Set once by the route-replica actor.
/// </summary>
public sealed class ConfigReplicaStatus
{
    private volatile bool _synced;

    /// <summary>True once the replicated set, complete after rehydration, has been applied to the route table.</summary>
    public bool IsSynced => _synced;

    /// <summary>Called by the route-replica actor when the route table acknowledged the first post-rehydration set.</summary>
    public void MarkSynced() => _synced = true;
}
