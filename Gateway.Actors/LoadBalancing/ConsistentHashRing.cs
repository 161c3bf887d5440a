namespace Gateway.Actors.LoadBalancing;

/// <summary>
/// A hash ring of endpoints with virtual nodes. A key belongs to the first point at or after its hash (wrapping), and
/// a caller that may not use that endpoint walks on to the next distinct endpoint. The points depend only on the
/// endpoint URLs and weights, so every node builds the same ring, and an endpoint that leaves takes only its own points:
/// only its keys move (about 1/N of them).
/// </summary>
internal sealed class ConsistentHashRing
{
    /// <summary>Virtual nodes of the endpoint with the largest weight; lighter endpoints get proportionally fewer (at least <see cref="MinPoints"/>).</summary>
    public const int PointsPerEndpoint = 160;

    /// <summary>Fewest virtual nodes any endpoint gets.</summary>
    public const int MinPoints = 8;

    private readonly ulong[] _hashes;
    private readonly int[] _owners;

    /// <summary>Builds the ring for endpoints identified by <paramref name="ids"/> (their URLs), with relative <paramref name="weights"/>.</summary>
    public ConsistentHashRing(IReadOnlyList<string> ids, IReadOnlyList<int> weights)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(weights.Count, ids.Count, nameof(weights));
        Count = ids.Count;
        var maxWeight = Math.Max(1, weights.DefaultIfEmpty(1).Max());
        var points = new List<(ulong Hash, int Owner)>();
        for (var e = 0; e < ids.Count; e++)
        {
            var n = Math.Max(MinPoints, (int)Math.Round(PointsPerEndpoint * (double)Math.Max(1, weights[e]) / maxWeight));
            for (var v = 0; v < n; v++) points.Add((StableHash.Of(ids[e], v), e));
        }
        // Ties (astronomically rare) are broken by owner index, which is the same everywhere for the same definition.
        points.Sort((a, b) => a.Hash != b.Hash ? a.Hash.CompareTo(b.Hash) : a.Owner.CompareTo(b.Owner));
        _hashes = points.Select(p => p.Hash).ToArray();
        _owners = points.Select(p => p.Owner).ToArray();
    }

    /// <summary>Number of endpoints on the ring.</summary>
    public int Count { get; }

    /// <summary>Number of points (virtual nodes) on the ring.</summary>
    public int Points => _hashes.Length;

    /// <summary>The endpoint index that owns <paramref name="keyHash"/>, or -1 for an empty ring.</summary>
    public int Owner(ulong keyHash) => Find(keyHash, static (_, _) => true, 0);

    /// <summary>
    /// The first endpoint at or after <paramref name="keyHash"/> that <paramref name="usable"/> accepts, walking the ring;
    /// -1 when it accepts none. <paramref name="state"/> is passed through so callers need no closure.
    /// </summary>
    public int Find<TState>(ulong keyHash, Func<int, TState, bool> usable, TState state)
    {
        if (_hashes.Length == 0) return -1;
        var start = Array.BinarySearch(_hashes, keyHash);
        if (start < 0) start = ~start;
        // Each distinct endpoint is asked once; a walk longer than the ring has seen them all.
        Span<bool> asked = Count <= 256 ? stackalloc bool[Count] : new bool[Count];
        var askedCount = 0;
        for (var i = 0; i < _hashes.Length && askedCount < Count; i++)
        {
            var owner = _owners[(start + i) % _hashes.Length];
            if (asked[owner]) continue;
            asked[owner] = true;
            askedCount++;
            if (usable(owner, state)) return owner;
        }
        return -1;
    }
}
