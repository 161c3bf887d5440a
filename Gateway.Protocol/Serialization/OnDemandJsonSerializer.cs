using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace Gateway.Protocol.Serialization;

/// <summary>
/// Akka's default JSON serializer (<see cref="NewtonSoftJsonSerializer"/>, id 1, the fallback for every message without
/// a binding of its own), built the first time a message needs it rather than when the actor system starts.
/// </summary>
/// <remarks>
/// Bound in place of Akka's under <c>akka.actor.serializers.json</c> with the same id, settings and bytes, so nodes with
/// and without it read each other's messages. Every message of the gateway and of Akka's modules has its own
/// serializer, so a node usually never builds this one, and does not load Newtonsoft.Json and the serialization
/// formatters it needs at start (issue 12: about 1 MB of images and their type data on every node).
/// </remarks>
public sealed class OnDemandJsonSerializer : Serializer
{
    /// <summary>Akka's id for its JSON serializer; the wire format names it, so it must stay 1.</summary>
    public const int JsonSerializerId = 1;

    private readonly Lazy<NewtonSoftJsonSerializer> _inner;

    /// <summary>Created by Akka when no <c>serialization-settings.json</c> section exists.</summary>
    public OnDemandJsonSerializer(ExtendedActorSystem system) : base(system) =>
        _inner = new Lazy<NewtonSoftJsonSerializer>(() => new NewtonSoftJsonSerializer(system), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Created by Akka with the <c>akka.actor.serialization-settings.json</c> section, passed on unchanged.</summary>
    public OnDemandJsonSerializer(ExtendedActorSystem system, Config config) : base(system) =>
        _inner = new Lazy<NewtonSoftJsonSerializer>(() => new NewtonSoftJsonSerializer(system, config), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Whether the Newtonsoft serializer has been built (for tests).</summary>
    public bool IsBuilt => _inner.IsValueCreated;

    /// <inheritdoc />
    public override int Identifier => JsonSerializerId;

    /// <inheritdoc />
    public override bool IncludeManifest => true;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => _inner.Value.ToBinary(obj);

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, Type type) => _inner.Value.FromBinary(bytes, type);
}
