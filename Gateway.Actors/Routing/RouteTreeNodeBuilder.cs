using Gateway.Protocol.Routing;

namespace Gateway.Actors.Routing;

/// <summary>Mutable node used while compiling; <see cref="Build"/> freezes it into a <see cref="RouteTreeNode{T}"/>.</summary>
internal sealed class RouteTreeNodeBuilder<T>
    where T : class
{
    private readonly Dictionary<string, RouteTreeNodeBuilder<T>> _statics = new(StringComparer.OrdinalIgnoreCase);

    // Parameters share a child when they share a constraint: capture names belong to the route, not the node.
    private readonly Dictionary<string, (PathSegment Segment, RouteTreeNodeBuilder<T> Node)> _parameters = new(StringComparer.Ordinal);
    private readonly List<RouteLeaf<T>> _routes = [];
    private readonly List<RouteLeaf<T>> _catchAllRoutes = [];

    /// <summary>Adds <paramref name="route"/> along the path spelled by <paramref name="segments"/>.</summary>
    public void Add(IReadOnlyList<PathSegment> segments, RouteLeaf<T> route)
    {
        var node = this;
        foreach (var segment in segments)
        {
            switch (segment.Kind)
            {
                case PathSegmentKind.Static:
                    if (!node._statics.TryGetValue(segment.Value, out var child))
                    {
                        child = new RouteTreeNodeBuilder<T>();
                        node._statics.Add(segment.Value, child);
                    }
                    node = child;
                    break;
                case PathSegmentKind.Parameter:
                    var key = segment.Constraint ?? "";
                    if (!node._parameters.TryGetValue(key, out var parameter))
                    {
                        parameter = (segment, new RouteTreeNodeBuilder<T>());
                        node._parameters.Add(key, parameter);
                    }
                    node = parameter.Node;
                    break;
                case PathSegmentKind.CatchAll:
                    // The parser only allows a catch-all as the last segment.
                    node._catchAllRoutes.Add(route);
                    return;
                default:
                    throw new ArgumentOutOfRangeException(nameof(segments), segment.Kind, "Unknown path segment kind.");
            }
        }
        node._routes.Add(route);
    }

    /// <summary>Freezes this node and its subtree.</summary>
    public RouteTreeNode<T> Build()
    {
        var statics = _statics
            .Select(s => KeyValuePair.Create(s.Key, s.Value.Build()))
            .ToArray();

        // A constrained parameter is more specific than a bare one, so it is tried first.
        var parameters = _parameters
            .OrderBy(p => p.Key.Length == 0)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Value)
            .ToArray();

        return new RouteTreeNode<T>(
            statics,
            parameters.Select(p => p.Segment).ToArray(),
            parameters.Select(p => p.Node.Build()).ToArray(),
            Sorted(_routes),
            Sorted(_catchAllRoutes));
    }

    private static RouteLeaf<T>[] Sorted(List<RouteLeaf<T>> routes)
    {
        var array = routes.ToArray();
        Array.Sort(array, RouteLeaf<T>.ComparePriority);
        return array;
    }
}
