using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;

namespace Gateway.Protocol.Serialization;

/// <summary>
/// System.Text.Json serializer for the messages, events and definitions of Gateway.Protocol, bound in the embedded HOCON.
/// Each type has a fixed manifest, so journal entries and remote messages stay readable across renames of CLR types.
/// </summary>
public sealed class GatewaySerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id stored beside every journal entry; never change it.</summary>
    public const int Id = 7301;

    // Manifests are persisted: add new ones, never rename or reuse one.
    private static readonly FrozenDictionary<Type, string> ManifestByType = new Dictionary<Type, string>
    {
        [typeof(RouteDefinition)] = "route",
        [typeof(UpstreamDefinition)] = "upstream",
        [typeof(UpsertRoute)] = "upsert-route",
        [typeof(DeleteRoute)] = "delete-route",
        [typeof(RouteUpserted)] = "route-upserted",
        [typeof(RouteDeleted)] = "route-deleted",
        [typeof(UpsertUpstream)] = "upsert-upstream",
        [typeof(DeleteUpstream)] = "delete-upstream",
        [typeof(UpstreamUpserted)] = "upstream-upserted",
        [typeof(UpstreamDeleted)] = "upstream-deleted",
        [typeof(Republish)] = "republish",
        [typeof(Republished)] = "republished",
        [typeof(RouteAccepted)] = "route-accepted",
        [typeof(UpstreamAccepted)] = "upstream-accepted",
        [typeof(DefinitionDeleted)] = "definition-deleted",
        [typeof(ValidationRejected)] = "validation-rejected",
        [typeof(VersionConflict)] = "version-conflict",
        [typeof(DefinitionNotFound)] = "definition-not-found",
        [typeof(UpstreamInUse)] = "upstream-in-use",
        [typeof(CommandNotApplied)] = "command-not-applied",
        [typeof(CommandInProgress)] = "command-in-progress",
        [typeof(AwaitDefinitionServed)] = "await-definition-served",
        [typeof(DefinitionServed)] = "definition-served",
        [typeof(GetCommandOutcome)] = "get-command-outcome",
        [typeof(EndpointEjected)] = "endpoint-ejected",
        [typeof(Caching.GetCachedResponse)] = "get-cached-response",
        [typeof(Caching.CachedResponseFound)] = "cached-response-found",
        [typeof(Caching.CachedResponseMissing)] = "cached-response-missing",
        [typeof(Caching.CachedResponseVaries)] = "cached-response-varies",
        [typeof(Caching.StoreCachedResponse)] = "store-cached-response",
        [typeof(Caching.PurgeCache)] = "purge-cache",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Type> TypeByManifest = ManifestByType.ToFrozenDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>Every type this serializer writes, for tests and bindings.</summary>
    public static IReadOnlyCollection<Type> SupportedTypes => ManifestByType.Keys;

    /// <summary>Created by Akka from the <c>akka.actor.serializers</c> binding.</summary>
    public GatewaySerializer(ExtendedActorSystem system) : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override string Manifest(object o) =>
        ManifestByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType()} is not a Gateway.Protocol message the gateway serializer knows", nameof(o));

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        Manifest(obj);
        return JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), DefinitionJson.Options);
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest) =>
        TypeByManifest.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, DefinitionJson.Options) ?? throw new SerializationException($"null payload for manifest '{manifest}'")
            : throw new SerializationException($"unknown gateway manifest '{manifest}'");
}
