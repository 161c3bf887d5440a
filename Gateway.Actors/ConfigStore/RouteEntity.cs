using Akka.Actor;
using Akka.DistributedData;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Serialization;

namespace Gateway.Actors.ConfigStore;

/// <summary>Sharded entity <c>route:ID</c>: the single writer of one route (see <see cref="ConfigEntity"/>).</summary>
internal sealed class RouteEntity : ConfigEntity
{
    private readonly string _id;
    private RouteState _state = RouteState.Empty;

    /// <summary>Props for the entity of route <paramref name="id"/>.</summary>
    public static Props Props(string id, TimeSpan writeTimeout, TimeSpan republishInterval = default) =>
        Akka.Actor.Props.Create(() => new RouteEntity(id, writeTimeout, republishInterval));

    public RouteEntity(string id, TimeSpan writeTimeout, TimeSpan republishInterval) : base(EntityKeys.Route(id), writeTimeout, republishInterval) => _id = id;

    /// <inheritdoc />
    protected override LWWDictionaryKey<string, string> OwnKey => ReplicatedDefinitions.RoutesKey;

    /// <inheritdoc />
    protected override LWWDictionaryKey<string, string> CheckedKey => ReplicatedDefinitions.UpstreamsKey;

    /// <inheritdoc />
    protected override string Name => _id;

    /// <inheritdoc />
    protected override (string? Json, long Version) Published =>
        (_state.Current is { } route ? DefinitionJson.ToJson(route).ToJsonString() : null, _state.Version);

    /// <inheritdoc />
    protected override EntityDecision? Decide(IWithEntityKey command, LWWDictionary<string, string> upstreams) => command switch
    {
        UpsertRoute upsert => _state.Process(upsert, name => ReplicatedDefinitions.ContainsLive(upstreams, name)),
        DeleteRoute delete => _state.Process(delete),
        _ => null,
    };

    /// <inheritdoc />
    protected override void ApplyEvent(IGatewayMessage @event) => _state = _state.Apply(@event);
}
