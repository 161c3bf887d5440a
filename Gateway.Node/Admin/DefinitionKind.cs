using System.Text.Json.Nodes;
using Akka.DistributedData;
using Gateway.Actors.ConfigStore;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Serialization;
using Gateway.Protocol.Upstreams;

namespace Gateway.Node.Admin;

/// <summary>What differs between the admin API's routes and upstreams: path, key field, replicated set and commands.</summary>
internal sealed record DefinitionKind(
    string Plural,
    string KeyField,
    LWWDictionaryKey<string, string> ReplicatedKey,
    Func<DefinitionReader, JsonObject, object?> Read,
    Func<object, long?, IWithEntityKey> Upsert,
    Func<string, long?, IWithEntityKey> Delete,
    Func<ConfigReplicaStatus, DefinitionView> View,
    Func<string, string> EntityKey)
{
    /// <summary><c>/admin/routes</c>.</summary>
    public static readonly DefinitionKind Routes = new("routes", "id", ReplicatedDefinitions.RoutesKey,
        (reader, body) => reader.ReadRoute(body, ""),
        (definition, expected) => new UpsertRoute((RouteDefinition)definition, expected),
        (id, expected) => new DeleteRoute(id, expected),
        status => status.Routes,
        EntityKeys.Route);

    /// <summary><c>/admin/upstreams</c>.</summary>
    public static readonly DefinitionKind Upstreams = new("upstreams", "name", ReplicatedDefinitions.UpstreamsKey,
        (reader, body) => reader.ReadUpstream(body, ""),
        (definition, expected) => new UpsertUpstream((UpstreamDefinition)definition, expected),
        (name, expected) => new DeleteUpstream(name, expected),
        status => status.Upstreams,
        EntityKeys.Upstream);

    /// <summary><paramref name="command"/> carrying <paramref name="deadline"/> (Unix milliseconds).</summary>
    public static IWithEntityKey WithDeadline(IWithEntityKey command, long deadline) => command switch
    {
        UpsertRoute c => c with { Deadline = deadline },
        DeleteRoute c => c with { Deadline = deadline },
        UpsertUpstream c => c with { Deadline = deadline },
        DeleteUpstream c => c with { Deadline = deadline },
        _ => command,
    };

    /// <summary>The JSON body and version of an accepted definition.</summary>
    public static (JsonObject Body, long Version) Describe(ICommandReply accepted) => accepted switch
    {
        RouteAccepted r => (DefinitionJson.ToJson(r.Route), r.Route.Version),
        UpstreamAccepted u => (DefinitionJson.ToJson(u.Upstream), u.Upstream.Version),
        _ => throw new ArgumentException($"{accepted.GetType().Name} is not an accept", nameof(accepted)),
    };
}
