namespace Gateway.Actors.Ops;

/// <summary>Formats actor paths (<c>/user/upstreams/echo</c>) as an indented tree, children sorted by name.</summary>
internal static class ActorTree
{
    /// <summary>One line per path, indented two spaces per level below the shallowest, each parent before its children.</summary>
    public static IReadOnlyList<string> Format(IEnumerable<string> paths)
    {
        var sorted = paths.Distinct(StringComparer.Ordinal)
            .Select(p => p.TrimEnd('/').Split('/', StringSplitOptions.RemoveEmptyEntries))
            .OrderBy(s => s, SegmentComparer.Instance)
            .ToArray();
        if (sorted.Length == 0) return [];
        var top = sorted.Min(s => s.Length);
        return sorted.Select(s => new string(' ', 2 * (s.Length - top)) + (s.Length == top ? "/" + string.Join('/', s) : s[^1])).ToArray();
    }

    private sealed class SegmentComparer : IComparer<string[]>
    {
        public static readonly SegmentComparer Instance = new();

        public int Compare(string[]? x, string[]? y)
        {
            for (var i = 0; i < Math.Min(x!.Length, y!.Length); i++)
            {
                var c = string.CompareOrdinal(x[i], y[i]);
                if (c != 0) return c;
            }
            return x.Length.CompareTo(y.Length);
        }
    }
}
