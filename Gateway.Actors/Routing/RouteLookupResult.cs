namespace Gateway.Actors.Routing;

/// <summary>Outcome of a route table lookup.</summary>
public enum RouteLookupResult
{
    /// <summary>A route matched host, path and method.</summary>
    Matched,

    /// <summary>No route matched host and path.</summary>
    NotFound,

    /// <summary>Some route matched host and path, but none of them allows the method (answer 405).</summary>
    MethodNotAllowed,
}
