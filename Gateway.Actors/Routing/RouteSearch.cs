namespace Gateway.Actors.Routing;

/// <summary>State of one lookup through the host buckets and their trees; lives on the stack.</summary>
internal ref struct RouteSearch<T>
    where T : class
{
    public RouteSearch(ReadOnlySpan<char> path, ReadOnlySpan<char> method, Span<Range> captures, HashSet<string>? allowedMethods,
        Microsoft.AspNetCore.Http.HttpRequest? request = null)
    {
        Request = request;
        Path = path;
        Method = method;
        Captures = captures;
        AllowedMethods = allowedMethods;
    }

    /// <summary>The request path, starting with '/' or empty.</summary>
    public ReadOnlySpan<char> Path { get; }

    /// <summary>The request method.</summary>
    public ReadOnlySpan<char> Method { get; }

    /// <summary>Where captures are written, as ranges into <see cref="Path"/>.</summary>
    public Span<Range> Captures { get; }

    /// <summary>When set, the search visits every route matching the path and collects their methods instead of stopping at a match.</summary>
    public HashSet<string>? AllowedMethods { get; }

    /// <summary>The request whose headers, query and cookies route conditions test; null fails every route with conditions.</summary>
    public Microsoft.AspNetCore.Http.HttpRequest? Request { get; }

    /// <summary>True once some route matched the path, whatever its methods.</summary>
    public bool PathMatched { get; set; }

    /// <summary>The route found, once the search succeeded.</summary>
    public RouteLeaf<T>? Match { get; set; }
}
