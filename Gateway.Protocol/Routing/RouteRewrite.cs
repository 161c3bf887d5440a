namespace Gateway.Protocol.Routing;

/// <summary>Path rewrite of a route: strip a prefix, or build the path from a template of the route's captures.</summary>
public sealed record RouteRewrite
{
    /// <summary>Prefix removed from the request path (case-insensitive) before forwarding.</summary>
    public string? StripPrefix { get; init; }

    /// <summary>Template such as <c>/v2/items/{id}</c> or <c>/{**rest}</c> filled from the route's path captures.</summary>
    public string? Template { get; init; }
}
