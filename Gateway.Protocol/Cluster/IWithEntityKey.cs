namespace Gateway.Protocol.Cluster;

/// <summary>A message for one config entity; the sharding extractor reads <see cref="EntityKey"/> and nothing else.</summary>
public interface IWithEntityKey : IGatewayMessage
{
    /// <summary>The entity id (and persistence id): <c>route:ID</c> or <c>upstream:NAME</c> (see <see cref="EntityKeys"/>).</summary>
    string EntityKey { get; }
}
