namespace Gateway.Actors.Routing;

/// <summary>Depth-first, backtracking walk of a <see cref="RouteTreeNode{T}"/> tree; allocates nothing.</summary>
internal static class RouteTreeMatcher
{
    /// <summary>Searches the tree under <paramref name="root"/>; true when <see cref="RouteSearch{T}.Match"/> was set.</summary>
    public static bool Search<T>(RouteTreeNode<T> root, ref RouteSearch<T> search)
        where T : class =>
        Search(root, 0, 0, ref search);

    // pos is the index of the '/' before the next segment, or the path length once nothing is left.
    private static bool Search<T>(RouteTreeNode<T> node, int pos, int captureIndex, ref RouteSearch<T> search)
        where T : class
    {
        var path = search.Path;

        // Nothing left, or a single trailing slash: routes ending here, then a catch-all matching the empty rest.
        if (pos >= path.Length - 1)
        {
            if (TryEndingRoutes(node.Routes, ref search)) return true;
            if (node.CatchAllRoutes.Length == 0) return false;
            search.Captures[captureIndex] = new Range(path.Length, path.Length);
            return TryRoutes(node.CatchAllRoutes, ref search);
        }

        var start = pos + 1;
        var slash = path[start..].IndexOf('/');
        var end = slash < 0 ? path.Length : start + slash;
        var segment = path[start..end];

        // An empty segment ('//') matches neither a static nor a parameter; only a catch-all consumes it.
        if (segment.Length > 0)
        {
            var child = node.FindStatic(segment);
            if (child is not null && Search(child, end, captureIndex, ref search)) return true;

            var segments = node.ParameterSegments;
            for (var i = 0; i < segments.Length; i++)
            {
                if (!segments[i].Accepts(segment)) continue;
                search.Captures[captureIndex] = new Range(start, end);
                if (Search(node.ParameterNodes[i], end, captureIndex + 1, ref search)) return true;
            }
        }

        if (node.CatchAllRoutes.Length == 0) return false;
        search.Captures[captureIndex] = new Range(start, path.Length);
        return TryRoutes(node.CatchAllRoutes, ref search);
    }

    // Routes ending where the path ends. `/a/b` and `/a/b/` end on the same node: the one spelled like the request (with
    // or without its trailing slash) is tried first, so one trailing slash is tolerated only when no route there matches exactly.
    private static bool TryEndingRoutes<T>(RouteLeaf<T>[] routes, ref RouteSearch<T> search)
        where T : class
    {
        if (routes.Length == 0) return false;
        var path = search.Path;
        var slash = path.Length > 1 && path[^1] == '/';
        var differs = false;
        foreach (var route in routes)
        {
            if (route.TrailingSlash != slash)
            {
                differs = true;
                break;
            }
        }
        if (!differs || search.AllowedMethods is not null) return TryRoutes(routes, ref search, null);
        return TryRoutes(routes, ref search, slash) || TryRoutes(routes, ref search, !slash);
    }

    private static bool TryRoutes<T>(RouteLeaf<T>[] routes, ref RouteSearch<T> search, bool? trailingSlash = null)
        where T : class
    {
        if (routes.Length == 0) return false;

        if (search.AllowedMethods is { } allowed)
        {
            search.PathMatched = true;
            foreach (var route in routes)
            {
                allowed.UnionWith(route.Methods);
            }
            return false;
        }

        foreach (var route in routes)
        {
            if (trailingSlash is { } wanted && route.TrailingSlash != wanted) continue;
            // A route whose conditions do not hold is as if it were not there (no 405 on its account either).
            if (route.Conditions is { } conditions && (search.Request is null || !conditions.Matches(search.Request))) continue;
            search.PathMatched = true;
            if (!route.Allows(search.Method)) continue;
            search.Match = route;
            return true;
        }
        return false;
    }
}
