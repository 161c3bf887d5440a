using Gateway.Protocol.Caching;

namespace Gateway.Actors.Caching;

/// <summary>
/// The purges this node applied lately, with when. A purge reaches every node's L1 and each L2 owner through pub-sub, in
/// no set order; a node whose L1 was purged can ask the key's L2 owner before that owner applied the same purge, and must
/// not take the old response back into its L1 (it would serve it until it expires). So a response from L2 that a recent
/// purge selects, and that was stored before that purge was applied here, counts as a miss.
/// </summary>
/// <remarks>Bounded: the last <see cref="Capacity"/> purges. A purge is in flight to the other nodes for milliseconds,
/// so only a burst of more purges than that within one propagation can let an old L2 entry back in.</remarks>
internal sealed class RecentPurges
{
    /// <summary>Purges remembered.</summary>
    public const int Capacity = 64;

    private readonly (PurgeCache Purge, DateTimeOffset AppliedAt)[] _ring = new (PurgeCache, DateTimeOffset)[Capacity];
    private readonly Lock _lock = new();
    private int _next;
    private volatile int _count;

    /// <summary>Remembers <paramref name="purge"/>, applied on this node at <paramref name="appliedAt"/>.</summary>
    public void Add(PurgeCache purge, DateTimeOffset appliedAt)
    {
        lock (_lock)
        {
            _ring[_next] = (purge, appliedAt);
            _next = (_next + 1) % Capacity;
            if (_count < Capacity) _count++;
        }
    }

    /// <summary>
    /// True when a remembered purge selects <paramref name="response"/> and was applied after it was stored. An L2 answer
    /// is re-based to this node's clock (received now, with its age then), so it was stored its age before it arrived; an
    /// age that includes the upstream's own <c>Age</c> only makes the estimate earlier, and such an answer a miss.
    /// </summary>
    public bool Covers(CachedResponse response)
    {
        if (_count == 0) return false;
        var storedAt = response.ResponseTime - response.InitialAge;
        lock (_lock)
        {
            for (var i = 0; i < _count; i++)
            {
                var (purge, appliedAt) = _ring[i];
                if (storedAt <= appliedAt && purge.Matches(response.Path, response.Query)) return true;
            }
        }
        return false;
    }
}
