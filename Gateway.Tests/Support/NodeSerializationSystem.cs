using Akka.Actor;
using Akka.Configuration;
using Gateway.Node.Configuration;

namespace Gateway.Tests.Support;

/// <summary>
/// An actor system that serializes as a node does: the node's embedded defaults bind its serializers, and a local
/// provider keeps the test free of sockets.
/// </summary>
internal static class NodeSerializationSystem
{
    public static ActorSystem Create(string name) =>
        ActorSystem.Create(name, ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(NodeConfigLoader.Defaults));
}
