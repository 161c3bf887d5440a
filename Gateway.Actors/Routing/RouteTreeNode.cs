using System.Collections.Frozen;
using Gateway.Protocol.Routing;

namespace Gateway.Actors.Routing;

/// <summary>One compiled, immutable node of the path radix tree: one path segment deep.</summary>
internal sealed class RouteTreeNode<T>
    where T : class
{
    /// <summary>Above this many static children a frozen dictionary beats a linear scan.</summary>
    internal const int LinearScanLimit = 4;

    private readonly string[] _staticKeys;
    private readonly RouteTreeNode<T>[] _staticNodes;
    private readonly FrozenDictionary<string, RouteTreeNode<T>>.AlternateLookup<ReadOnlySpan<char>> _staticLookup;
    private readonly bool _useLookup;

    public RouteTreeNode(
        IReadOnlyList<KeyValuePair<string, RouteTreeNode<T>>> statics,
        PathSegment[] parameterSegments,
        RouteTreeNode<T>[] parameterNodes,
        RouteLeaf<T>[] routes,
        RouteLeaf<T>[] catchAllRoutes)
    {
        _staticKeys = statics.Select(s => s.Key).ToArray();
        _staticNodes = statics.Select(s => s.Value).ToArray();
        _useLookup = statics.Count > LinearScanLimit;
        if (_useLookup)
        {
            _staticLookup = statics
                .ToFrozenDictionary(s => s.Key, s => s.Value, StringComparer.OrdinalIgnoreCase)
                .GetAlternateLookup<ReadOnlySpan<char>>();
        }
        ParameterSegments = parameterSegments;
        ParameterNodes = parameterNodes;
        Routes = routes;
        CatchAllRoutes = catchAllRoutes;
    }

    /// <summary>Parameter children in the order they are tried (constrained first); parallel to <see cref="ParameterNodes"/>.</summary>
    public PathSegment[] ParameterSegments { get; }

    /// <summary>The nodes under each parameter child.</summary>
    public RouteTreeNode<T>[] ParameterNodes { get; }

    /// <summary>Routes whose template ends at this node, best first.</summary>
    public RouteLeaf<T>[] Routes { get; }

    /// <summary>Routes whose template ends with a catch-all right below this node, best first.</summary>
    public RouteLeaf<T>[] CatchAllRoutes { get; }

    /// <summary>The static child for <paramref name="segment"/> (case-insensitive), or null.</summary>
    public RouteTreeNode<T>? FindStatic(ReadOnlySpan<char> segment)
    {
        if (_useLookup)
        {
            return _staticLookup.TryGetValue(segment, out var node) ? node : null;
        }

        var keys = _staticKeys;
        for (var i = 0; i < keys.Length; i++)
        {
            if (segment.Equals(keys[i], StringComparison.OrdinalIgnoreCase)) return _staticNodes[i];
        }
        return null;
    }
}
