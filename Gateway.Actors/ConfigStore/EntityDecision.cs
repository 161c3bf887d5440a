using System.Collections.Immutable;
using Gateway.Protocol.Cluster;

namespace Gateway.Actors.ConfigStore;

/// <summary>What a config entity's pure logic decided for one command: events to persist (maybe none) and the reply to send once they are stored.</summary>
internal sealed record EntityDecision(ImmutableArray<IGatewayMessage> Events, ICommandReply Reply)
{
    /// <summary>A decision that stores nothing and answers <paramref name="reply"/> at once.</summary>
    public static EntityDecision Answer(ICommandReply reply) => new([], reply);
}
