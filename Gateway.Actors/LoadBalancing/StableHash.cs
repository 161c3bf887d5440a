namespace Gateway.Actors.LoadBalancing;

/// <summary>
/// A 64-bit hash that is the same in every process and on every node (unlike <see cref="string.GetHashCode()"/>, which
/// is randomized per process): FNV-1a over the UTF-16 code units, finished with the MurmurHash3 64-bit mixer so that
/// close inputs land far apart.
/// </summary>
internal static class StableHash
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>The hash of <paramref name="text"/>.</summary>
    public static ulong Of(ReadOnlySpan<char> text)
    {
        var hash = Offset;
        foreach (var c in text)
        {
            hash = (hash ^ (byte)c) * Prime;
            hash = (hash ^ (byte)(c >> 8)) * Prime;
        }
        return Mix(hash);
    }

    /// <summary>The hash of <paramref name="text"/> followed by <paramref name="suffix"/> (a virtual node's index), without building the string.</summary>
    public static ulong Of(ReadOnlySpan<char> text, int suffix)
    {
        var hash = Offset;
        foreach (var c in text)
        {
            hash = (hash ^ (byte)c) * Prime;
            hash = (hash ^ (byte)(c >> 8)) * Prime;
        }
        for (var i = 0; i < 4; i++) hash = (hash ^ (byte)(suffix >> (8 * i))) * Prime;
        return Mix(hash);
    }

    /// <summary>Combines two hashes into a third that depends on both (for a key scored against a backend).</summary>
    public static ulong Combine(ulong a, ulong b) => Mix(a ^ (b * 0x9E3779B97F4A7C15UL));

    /// <summary>MurmurHash3's fmix64 finalizer.</summary>
    public static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
