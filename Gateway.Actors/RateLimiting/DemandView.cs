using System.Collections.Immutable;

namespace Gateway.Actors.RateLimiting;

/// <summary>
/// Whose gossiped demand counts on this node, decided by cluster membership alone (no clocks): the report of a node
/// counts while that incarnation of it (address and uid) is an Up member that this node can reach. Unreachable or
/// removed, its demand is dropped at once; a node restarted on the same address counts again only with a report of the
/// new incarnation. Owned by <see cref="RateLimitGossipActor"/>; not thread-safe.
/// </summary>
internal sealed class DemandView
{
    private readonly string _self;
    private readonly Dictionary<string, long> _up = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unreachable = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string>?[] _shards;

    /// <summary>Creates the view of node <paramref name="self"/> over <paramref name="shards"/> gossip entries.</summary>
    public DemandView(string self, int shards)
    {
        _self = self;
        _shards = new IReadOnlyDictionary<string, string>?[shards];
    }

    /// <summary>Up, reachable members (this node included once it is Up), at least 1.</summary>
    public int LiveMembers => Math.Max(1, _up.Keys.Count(a => !_unreachable.Contains(a)));

    /// <summary>The other nodes' demand per entry key, as of the last change.</summary>
    public ImmutableDictionary<string, double> Others { get; private set; } = ImmutableDictionary<string, double>.Empty;

    /// <summary>A member is Up (or weakly up): incarnation <paramref name="uid"/> of <paramref name="address"/>.</summary>
    public void MemberUp(string address, long uid)
    {
        _up[address] = uid;
        Recompute();
    }

    /// <summary>A member left, was downed or removed: its report stops counting (unless a newer incarnation is Up).</summary>
    public void MemberGone(string address, long uid)
    {
        if (_up.TryGetValue(address, out var known) && known == uid) _up.Remove(address);
        Recompute();
    }

    /// <summary>A member became unreachable (true) or reachable again (false).</summary>
    public void Reachability(string address, bool unreachable)
    {
        if (unreachable) _unreachable.Add(address);
        else _unreachable.Remove(address);
        Recompute();
    }

    /// <summary>Gossip entry <paramref name="shard"/> changed: its reports by node address.</summary>
    public void Seen(int shard, IReadOnlyDictionary<string, string> reports)
    {
        _shards[shard] = reports;
        Recompute();
    }

    private void Recompute()
    {
        var sum = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var shard in _shards)
        {
            if (shard is null) continue;
            foreach (var (node, payload) in shard)
            {
                if (node == _self || _unreachable.Contains(node) || !_up.TryGetValue(node, out var uid)) continue;
                DemandGossip.TryAdd(payload, uid, sum);
            }
        }
        Others = sum.ToImmutableDictionary(StringComparer.Ordinal);
    }
}
