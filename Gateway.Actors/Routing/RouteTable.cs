using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Gateway.Actors.Routing;

/// <summary>
/// An immutable route table compiled once from <see cref="RouteTableEntry{T}"/>s and then read from any number of threads
/// without locks or per-lookup allocation.
/// </summary>
/// <remarks>
/// <para>Host first. An exact host (case-insensitive; the request's <c>:port</c> and a trailing dot are ignored) beats a
/// wildcard <c>*.example.com</c>, which matches any deeper subdomain (<c>a.example.com</c>, <c>a.b.example.com</c>) but not
/// <c>example.com</c>; a longer wildcard suffix beats a shorter one. Wildcards beat routes without hosts (or with <c>*</c>),
/// which match any host. When a more specific host bucket has no route for the path and method, the lookup falls
/// through to the next bucket.</para>
/// <para>Path. Within a bucket, a radix tree of segments: at each segment a static (case-insensitive, ordinal) beats a
/// constrained <c>{param:c}</c>, which beats a bare <c>{param}</c>, which beats a <c>{**catch-all}</c>, and a dead end
/// backtracks to the next alternative (routes <c>/a/b/c</c> and <c>/a/{x}/d</c>: <c>/a/b/d</c> matches the second).
/// A parameter matches one non-empty segment that satisfies its constraint. A catch-all matches the rest, even empty
/// (<c>/files/{**rest}</c> matches <c>/files</c>, <c>/files/</c> and <c>/files/a/b</c>); its capture is the rest
/// without the leading slash, kept as sent (a trailing slash included). One trailing slash in the request is ignored;
/// <c>//</c> makes an empty segment that only a catch-all consumes; <c>%2F</c> is literal text inside a segment;
/// <c>""</c> and <c>/</c> both match the template <c>/</c>.</para>
/// <para>Method. Among routes ending on the same node, routes naming methods are tried before method-less ones, then lower
/// <see cref="RouteTableEntry{T}.Order"/>, then ordinal id. If none at that node allows the method, the search backtracks
/// to lower-priority alternatives and buckets; <see cref="RouteLookupResult.MethodNotAllowed"/> is returned only when
/// some route matched host and path but none anywhere allows the method (see <see cref="GetAllowedMethods"/>).</para>
/// <para>Conditions. A route with header, query or cookie conditions matches only when all of them hold for the request
/// (<see cref="RouteConditions"/>); among routes ending on the same node, more conditions are tried first, before routes
/// naming methods and before <see cref="RouteTableEntry{T}.Order"/>. A route whose conditions fail is skipped as if absent.
/// Routes without conditions cost one null check.</para>
/// <para>Captures are written to the caller's buffer as ranges into the request path, in template order. Duplicate
/// routes are allowed; the priority above picks one.</para>
/// </remarks>
public sealed class RouteTable<T>
    where T : class
{
    private readonly FrozenDictionary<string, RouteTreeNode<T>>.AlternateLookup<ReadOnlySpan<char>> _exactHosts;
    private readonly FrozenDictionary<string, RouteTreeNode<T>>.AlternateLookup<ReadOnlySpan<char>> _wildcardHosts;
    private readonly RouteTreeNode<T>? _anyHost;

    private RouteTable(
        FrozenDictionary<string, RouteTreeNode<T>> exactHosts,
        FrozenDictionary<string, RouteTreeNode<T>> wildcardHosts,
        RouteTreeNode<T>? anyHost,
        ImmutableArray<RouteTableEntry<T>> entries,
        int maxCaptureCount)
    {
        _exactHosts = exactHosts.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcardHosts = wildcardHosts.GetAlternateLookup<ReadOnlySpan<char>>();
        _anyHost = anyHost;
        Entries = entries;
        MaxCaptureCount = maxCaptureCount;
    }

    /// <summary>A table with no routes: every lookup is <see cref="RouteLookupResult.NotFound"/>.</summary>
    public static RouteTable<T> Empty { get; } = Compile([]);

    /// <summary>Number of entries the table was compiled from.</summary>
    public int Count => Entries.Length;

    /// <summary>The entries the table was compiled from, in the order given (for listing, e.g. <c>pbm gateway routes</c>).</summary>
    public ImmutableArray<RouteTableEntry<T>> Entries { get; }

    /// <summary>The most captures any route has: the smallest capture buffer <see cref="TryMatch"/> accepts.</summary>
    public int MaxCaptureCount { get; }

    /// <summary>Compiles <paramref name="entries"/> into a table; throws only for an entry without id, path or value.</summary>
    public static RouteTable<T> Compile(IEnumerable<RouteTableEntry<T>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var exact = new Dictionary<string, RouteTreeNodeBuilder<T>>(StringComparer.OrdinalIgnoreCase);
        var wildcard = new Dictionary<string, RouteTreeNodeBuilder<T>>(StringComparer.OrdinalIgnoreCase);
        RouteTreeNodeBuilder<T>? any = null;
        var maxCaptureCount = 0;
        var list = entries.ToImmutableArray();

        foreach (var entry in list)
        {
            var route = new RouteLeaf<T>(entry);
            maxCaptureCount = Math.Max(maxCaptureCount, route.CaptureNames.Length);

            var hosts = RouteHosts.Normalize(entry.Hosts);
            if (hosts.Count == 0)
            {
                (any ??= new()).Add(entry.Path.Segments, route);
                continue;
            }

            foreach (var host in hosts)
            {
                var bucket = host switch
                {
                    "*" => any ??= new(),
                    _ when RouteHosts.IsWildcard(host) => GetOrAdd(wildcard, host[2..]),
                    _ => GetOrAdd(exact, host),
                };
                bucket.Add(entry.Path.Segments, route);
            }
        }

        return new RouteTable<T>(
            exact.ToFrozenDictionary(b => b.Key, b => b.Value.Build(), StringComparer.OrdinalIgnoreCase),
            wildcard.ToFrozenDictionary(b => b.Key, b => b.Value.Build(), StringComparer.OrdinalIgnoreCase),
            any?.Build(),
            list,
            maxCaptureCount);
    }

    /// <summary>Finds the route for a request; on <see cref="RouteLookupResult.Matched"/> the first <see cref="RouteMatch{T}.CaptureCount"/> entries of <paramref name="captures"/> hold ranges into <paramref name="path"/>.</summary>
    /// <param name="host">The request's Host header, with or without port.</param>
    /// <param name="method">The request method.</param>
    /// <param name="path">The percent-decoded request path (starting with '/', or empty).</param>
    /// <param name="captures">Buffer of at least <see cref="MaxCaptureCount"/> ranges, e.g. <c>stackalloc Range[16]</c>.</param>
    /// <param name="match">The matched route; <c>default</c> unless the result is <see cref="RouteLookupResult.Matched"/>.</param>
    public RouteLookupResult TryMatch(
        ReadOnlySpan<char> host,
        ReadOnlySpan<char> method,
        ReadOnlySpan<char> path,
        Span<Range> captures,
        out RouteMatch<T> match) =>
        TryMatch(host, method, path, null, captures, out match);

    /// <summary>
    /// Finds the route for <paramref name="request"/>, also testing routes' header, query and cookie conditions against it
    /// (a null request fails every route that has conditions); otherwise as the overload without it.
    /// </summary>
    public RouteLookupResult TryMatch(
        ReadOnlySpan<char> host,
        ReadOnlySpan<char> method,
        ReadOnlySpan<char> path,
        Microsoft.AspNetCore.Http.HttpRequest? request,
        Span<Range> captures,
        out RouteMatch<T> match)
    {
        if (captures.Length < MaxCaptureCount)
        {
            throw new ArgumentException($"The capture buffer holds {captures.Length} ranges; this table needs {MaxCaptureCount}.", nameof(captures));
        }

        match = default;
        var search = new RouteSearch<T>(path, method, captures, allowedMethods: null, request);
        if (!Search(host, ref search)) return search.PathMatched ? RouteLookupResult.MethodNotAllowed : RouteLookupResult.NotFound;

        match = new RouteMatch<T>(search.Match!);
        return RouteLookupResult.Matched;
    }

    /// <summary>The methods (upper case, sorted) of every route matching host and path, for the <c>Allow</c> header of a 405; allocates.</summary>
    /// <remarks>Routes that allow any method add nothing: when one matches, <see cref="TryMatch"/> never answers 405.</remarks>
    public IReadOnlyList<string> GetAllowedMethods(ReadOnlySpan<char> host, ReadOnlySpan<char> path)
    {
        var allowed = new HashSet<string>(StringComparer.Ordinal);
        var search = new RouteSearch<T>(path, [], new Range[MaxCaptureCount], allowed);
        Search(host, ref search);
        return allowed.Order(StringComparer.Ordinal).ToArray();
    }

    private bool Search(ReadOnlySpan<char> rawHost, ref RouteSearch<T> search)
    {
        if (search.Path.Length > 0 && search.Path[0] != '/') return false;

        var host = RouteHosts.StripPort(rawHost);
        if (_exactHosts.Dictionary.Count > 0
            && _exactHosts.TryGetValue(host, out var exactTree)
            && RouteTreeMatcher.Search(exactTree, ref search))
        {
            return true;
        }

        // Walking the dots left to right tries the longest wildcard suffix first; the first label is never a suffix.
        if (_wildcardHosts.Dictionary.Count > 0)
        {
            for (var dot = host.IndexOf('.'); dot > 0; dot = NextDot(host, dot))
            {
                if (_wildcardHosts.TryGetValue(host[(dot + 1)..], out var wildcardTree)
                    && RouteTreeMatcher.Search(wildcardTree, ref search))
                {
                    return true;
                }
            }
        }

        return _anyHost is not null && RouteTreeMatcher.Search(_anyHost, ref search);
    }

    private static int NextDot(ReadOnlySpan<char> host, int dot)
    {
        var next = host[(dot + 1)..].IndexOf('.');
        return next < 0 ? -1 : dot + 1 + next;
    }

    private static RouteTreeNodeBuilder<T> GetOrAdd(Dictionary<string, RouteTreeNodeBuilder<T>> buckets, string host)
    {
        if (!buckets.TryGetValue(host, out var builder))
        {
            builder = new RouteTreeNodeBuilder<T>();
            buckets.Add(host, builder);
        }
        return builder;
    }
}
