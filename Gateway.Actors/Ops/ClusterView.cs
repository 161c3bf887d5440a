using System.Collections.Immutable;
using Akka.Cluster;

namespace Gateway.Actors.Ops;

/// <summary>A snapshot of the cluster as this node sees it, which the cluster palette formats.</summary>
/// <param name="Self">This node's address.</param>
/// <param name="SelfStatus">This node's membership status.</param>
/// <param name="Leader">The leader's address, or null while there is none.</param>
/// <param name="Members">Every member, ordered by address.</param>
internal sealed record ClusterView(string Self, string SelfStatus, string? Leader, ImmutableArray<MemberView> Members)
{
    /// <summary>Reads the current state of <paramref name="cluster"/>.</summary>
    public static ClusterView From(Cluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var members = state.Members
            .Select(m => new MemberView(m.Address.ToString(), m.Status.ToString(), [.. m.Roles.Order(StringComparer.Ordinal)], !unreachable.Contains(m.Address)))
            .OrderBy(m => m.Address, StringComparer.Ordinal)
            .ToImmutableArray();
        return new ClusterView(cluster.SelfAddress.ToString(), cluster.SelfMember.Status.ToString(), state.Leader?.ToString(), members);
    }

    /// <summary>The member at <paramref name="address"/> (as written, or parsed and printed by Akka), or null.</summary>
    public MemberView? Find(string address) =>
        Members.FirstOrDefault(m => m.Address.Equals(address.Trim(), StringComparison.OrdinalIgnoreCase));
}
