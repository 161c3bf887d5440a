using Gateway.Protocol.Cluster;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Serialization;
using Gateway.Protocol.Validation;

namespace Gateway.Actors.ConfigStore;

/// <summary>
/// State of one route entity and its pure decisions: validation, optimistic concurrency and versioning. Versions keep
/// growing across a delete, so an ETag is never reused for a different definition.
/// </summary>
/// <param name="Current">The route as stored, or null when it never existed or was deleted.</param>
/// <param name="Version">Version of the last stored change (0 before the first).</param>
internal sealed record RouteState(RouteDefinition? Current, long Version)
{
    /// <summary>State of a route that was never written.</summary>
    public static readonly RouteState Empty = new(null, 0);

    /// <summary>Decides an upsert; <paramref name="upstreamExists"/> answers from the replicated upstream set this node sees.</summary>
    public EntityDecision Process(UpsertRoute command, Func<string, bool> upstreamExists)
    {
        if (command.ExpectedVersion is { } expected && expected != (Current?.Version ?? 0))
            return EntityDecision.Answer(new VersionConflict(Current?.Version ?? 0));

        var route = command.Route;
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(route.Path)) errors.Add(new("path", "is required"));
        if (string.IsNullOrWhiteSpace(route.Upstream) && route.Backends.IsDefaultOrEmpty) errors.Add(new("upstream", "is required"));
        errors.AddRange(DefinitionValidator.ValidateRoute(route, upstreamExists));
        if (errors.Count > 0) return EntityDecision.Answer(new ValidationRejected([.. errors]));

        // Re-applying the same definition (a node restarting with its HOCON routes) keeps the version.
        if (Current is not null && DefinitionJson.Shape(Current) == DefinitionJson.Shape(route))
            return EntityDecision.Answer(new RouteAccepted(Current, Created: false));

        var next = route with { Version = Version + 1 };
        return new([new RouteUpserted(next)], new RouteAccepted(next, Created: Current is null));
    }

    /// <summary>Decides a delete.</summary>
    public EntityDecision Process(DeleteRoute command)
    {
        if (Current is null) return EntityDecision.Answer(new DefinitionNotFound(EntityKeys.Route(command.RouteId)));
        if (command.ExpectedVersion is { } expected && expected != Current.Version)
            return EntityDecision.Answer(new VersionConflict(Current.Version));
        var version = Version + 1;
        return new([new RouteDeleted(command.RouteId, version)], new DefinitionDeleted(EntityKeys.Route(command.RouteId), version));
    }

    /// <summary>The state after <paramref name="event"/>; events of other kinds leave it unchanged.</summary>
    public RouteState Apply(IGatewayMessage @event) => @event switch
    {
        RouteUpserted e => new RouteState(e.Route, e.Route.Version),
        RouteDeleted e => new RouteState(null, e.Version),
        _ => this,
    };
}
