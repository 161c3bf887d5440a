using Akka.Actor;
using Akka.Serialization;
using Gateway.Protocol.Serialization;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Protocol.Serialization;

/// <summary>
/// Akka's JSON fallback serializer is built on first use (issue 12) and writes what Akka's own writes, so a node with it
/// and a node without it read each other's messages.
/// </summary>
public sealed class OnDemandJsonSerializerTests : IDisposable
{
    private readonly ActorSystem _system = NodeSerializationSystem.Create("json-on-demand");

    /// <summary>A message no serializer binds, so Akka falls back to its JSON serializer (as for a user's own message).</summary>
    public sealed record Unbound(string Name, int Count, string[] Tags);

    [Fact]
    public void Fallback_ForAnUnboundMessage_IsTheOnDemandSerializerWithAkkasJsonId_NotYetBuilt()
    {
        var serializer = _system.Serialization.FindSerializerFor(new Unbound("a", 1, ["x"]));
        var onDemand = Assert.IsType<OnDemandJsonSerializer>(serializer);
        Assert.Equal(1, onDemand.Identifier);
        // The actor system started, and nothing has needed the JSON serializer yet.
        Assert.False(onDemand.IsBuilt);
    }

    [Fact]
    public void ToBinary_WritesAkkasNewtonsoftBytes_AndEachReadsTheOther()
    {
        var message = new Unbound("route-7", 42, ["a", "b"]);
        var onDemand = Assert.IsType<OnDemandJsonSerializer>(_system.Serialization.FindSerializerFor(message));
        var akkas = new NewtonSoftJsonSerializer((ExtendedActorSystem)_system,
            _system.Settings.Config.GetConfig("akka.actor.serialization-settings.json"));

        var bytes = onDemand.ToBinary(message);
        Assert.True(onDemand.IsBuilt);
        Assert.Equal(akkas.ToBinary(message), bytes);
        Assert.Equal(message.Name, ((Unbound)akkas.FromBinary(bytes, typeof(Unbound))).Name);
        var back = (Unbound)onDemand.FromBinary(akkas.ToBinary(message), typeof(Unbound));
        Assert.Equal((message.Name, message.Count), (back.Name, back.Count));
        Assert.Equal(message.Tags, back.Tags);
    }

    [Fact]
    public void SerializeThroughAkka_RoundTripsWithTheManifestAkkaWrites()
    {
        var message = new Unbound("via-akka", 3, []);
        var serializer = _system.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        var manifest = Akka.Util.TypeExtensions.TypeQualifiedName(message.GetType());
        var back = (Unbound)_system.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
        Assert.Equal(message.Name, back.Name);
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
