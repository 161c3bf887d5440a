using Akka.Actor;
using Akka.DistributedData;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Serialization;
using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.ConfigStore;

/// <summary>Sharded entity <c>upstream:NAME</c>: the single writer of one upstream (see <see cref="ConfigEntity"/>).</summary>
internal sealed class UpstreamEntity : ConfigEntity
{
    private readonly string _name;
    private UpstreamState _state = UpstreamState.Empty;

    /// <summary>Props for the entity of upstream <paramref name="name"/>.</summary>
    public static Props Props(string name, TimeSpan writeTimeout, TimeSpan republishInterval = default) =>
        Akka.Actor.Props.Create(() => new UpstreamEntity(name, writeTimeout, republishInterval));

    public UpstreamEntity(string name, TimeSpan writeTimeout, TimeSpan republishInterval) : base(EntityKeys.Upstream(name), writeTimeout, republishInterval) => _name = name;

    /// <inheritdoc />
    protected override LWWDictionaryKey<string, string> OwnKey => ReplicatedDefinitions.UpstreamsKey;

    /// <inheritdoc />
    protected override LWWDictionaryKey<string, string> CheckedKey => ReplicatedDefinitions.RoutesKey;

    /// <inheritdoc />
    protected override string Name => _name;

    /// <inheritdoc />
    protected override (string? Json, long Version) Published =>
        (_state.Current is { } upstream ? DefinitionJson.ToJson(upstream).ToJsonString() : null, _state.Version);

    /// <inheritdoc />
    protected override EntityDecision? Decide(IWithEntityKey command, LWWDictionary<string, string> routes) => command switch
    {
        UpsertUpstream upsert => _state.Process(upsert),
        DeleteUpstream delete => _state.Process(delete, ReplicatedDefinitions.Routes(routes)),
        _ => null,
    };

    /// <inheritdoc />
    protected override void ApplyEvent(IGatewayMessage @event) => _state = _state.Apply(@event);
}
