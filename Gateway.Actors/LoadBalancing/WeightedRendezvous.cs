namespace Gateway.Actors.LoadBalancing;

/// <summary>
/// Sticky weighted choice as a pure function (weighted rendezvous hashing): each candidate scores
/// <c>weight / -ln(u)</c>, with <c>u</c> in (0,1) from the hash of the key and the candidate's name, and the highest
/// score wins. The same key picks the same candidate on every node with no shared state; each candidate wins its
/// weight's share of keys; and when weights change, a key moves only to a candidate whose weight grew or away from one
/// whose weight shrank (10% to 20% moves about 10% of keys, all of them to the grown candidate). A candidate left out
/// (weight 0, or unavailable) gives its keys to the others and takes no one else's.
/// </summary>
internal static class WeightedRendezvous
{
    /// <summary>
    /// The index of the winner among candidates named by <paramref name="nameHashes"/> with <paramref name="weights"/>,
    /// considering only those <paramref name="usable"/> accepts; -1 when none has weight and is usable.
    /// </summary>
    public static int Choose<TState>(ulong keyHash, ReadOnlySpan<ulong> nameHashes, ReadOnlySpan<int> weights, Func<int, TState, bool> usable, TState state)
    {
        var best = -1;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < nameHashes.Length; i++)
        {
            if (weights[i] <= 0 || !usable(i, state)) continue;
            var score = Score(keyHash, nameHashes[i], weights[i]);
            if (score > bestScore)
            {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }

    /// <summary>The index of the winner among all candidates with a weight above 0; -1 when there is none.</summary>
    public static int Choose(ulong keyHash, ReadOnlySpan<ulong> nameHashes, ReadOnlySpan<int> weights) =>
        Choose(keyHash, nameHashes, weights, static (_, _) => true, 0);

    /// <summary>The score of one candidate for one key: <c>weight / -ln(u)</c>.</summary>
    public static double Score(ulong keyHash, ulong nameHash, int weight)
    {
        // 53 random bits into (0,1): never 0 (ln would be -inf) and never 1 (division by zero).
        var u = ((StableHash.Combine(keyHash, nameHash) >> 11) + 0.5) / (1UL << 53);
        return weight / -Math.Log(u);
    }
}
