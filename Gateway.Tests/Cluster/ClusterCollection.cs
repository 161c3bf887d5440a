
namespace Gateway.Tests.Cluster;

/// <summary>The multi-process cluster tests run one at a time and alone: each starts several nodes that need the machine's cores and fixed ports.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "Cluster";
}
