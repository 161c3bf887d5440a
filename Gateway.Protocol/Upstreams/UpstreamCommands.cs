using Gateway.Protocol.Cluster;

namespace Gateway.Protocol.Upstreams;

/// <summary>Sent (through the shard region) to the upstream's entity: create or replace it, optionally only at <paramref name="ExpectedVersion"/>.</summary>
public sealed record UpsertUpstream(UpstreamDefinition Upstream, long? ExpectedVersion = null) : IConfigCommand
{
    /// <inheritdoc />
    public string EntityKey => EntityKeys.Upstream(Upstream.Name);

    /// <inheritdoc />
    public long? Deadline { get; init; }
}

/// <summary>Sent to the upstream's entity: delete it unless a route still points at it.</summary>
public sealed record DeleteUpstream(string Name, long? ExpectedVersion = null) : IConfigCommand
{
    /// <inheritdoc />
    public string EntityKey => EntityKeys.Upstream(Name);

    /// <inheritdoc />
    public long? Deadline { get; init; }
}
