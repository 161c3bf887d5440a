using Akka.Actor;
using Akka.Cluster;

namespace Gateway.Actors.ConfigStore;

/// <summary>
/// Whether this node may persist config changes: only an Up member that reaches a majority of the members, and that has
/// not stepped back after a pause. Config entities ask it right before they persist; the node's pause watch sets it.
/// </summary>
public sealed class WriteFence : IExtension
{
    private readonly Cluster _cluster;
    private volatile string? _steppedBack;

    /// <summary>Created once per actor system by <see cref="WriteFenceProvider"/>.</summary>
    public WriteFence(ExtendedActorSystem system) => _cluster = Cluster.Get(system);

    /// <summary>The fence of <paramref name="system"/>.</summary>
    public static WriteFence Get(ActorSystem system) => system.WithExtension<WriteFence, WriteFenceProvider>();

    /// <summary>Why this node stepped back (null while it has not): once set, it never writes again in this process.</summary>
    public string? SteppedBack => _steppedBack;

    /// <summary>Marks the node as stepped back for <paramref name="reason"/>; every later write is refused.</summary>
    public void StepBack(string reason) => _steppedBack ??= reason;

    /// <summary>Why this node may not write now, or null when it may.</summary>
    public string? Refusal()
    {
        var state = _cluster.State;
        var members = state.Members.Count(m => m.Status is MemberStatus.Up or MemberStatus.Leaving);
        return Decide(_cluster.SelfMember.Status, members, state.Unreachable.Count, _steppedBack);
    }

    /// <summary>The pure rule: Up, not stepped back, and the reachable members (this one included) are more than half.</summary>
    public static string? Decide(MemberStatus self, int members, int unreachable, string? steppedBack)
    {
        if (steppedBack is not null) return $"this node stepped back ({steppedBack})";
        if (self != MemberStatus.Up) return $"this node is {self}, not an Up member";
        if ((members - unreachable) * 2 <= members) return $"this node reaches only {members - unreachable} of {members} members, no majority";
        return null;
    }
}

/// <summary>Akka extension id of <see cref="WriteFence"/>.</summary>
internal sealed class WriteFenceProvider : ExtensionIdProvider<WriteFence>
{
    /// <inheritdoc />
    public override WriteFence CreateExtension(ExtendedActorSystem system) => new(system);
}
