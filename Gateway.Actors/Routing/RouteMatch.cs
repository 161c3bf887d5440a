using System.Collections.Immutable;

namespace Gateway.Actors.Routing;

/// <summary>The route a lookup matched; its captures are in the caller's buffer as ranges into the request path.</summary>
public readonly struct RouteMatch<T>
    where T : class
{
    private readonly RouteLeaf<T>? _route;

    internal RouteMatch(RouteLeaf<T> route) => _route = route;

    /// <summary>True when this holds a match (false for <c>default</c>).</summary>
    public bool HasValue => _route is not null;

    /// <summary>The matched route's value.</summary>
    public T Value => Route.Value;

    /// <summary>The matched route's id.</summary>
    public string Id => Route.Id;

    /// <summary>The matched route's path template as written.</summary>
    public string Template => Route.Template;

    /// <summary>How many entries of the capture buffer the match filled.</summary>
    public int CaptureCount => Route.CaptureNames.Length;

    /// <summary>Capture names in template order, parallel to the filled capture ranges.</summary>
    public ImmutableArray<string> CaptureNames => Route.CaptureNames;

    private RouteLeaf<T> Route => _route ?? throw new InvalidOperationException("No route matched.");
}
