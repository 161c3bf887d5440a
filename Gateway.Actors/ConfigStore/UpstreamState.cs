using Gateway.Protocol.Cluster;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Serialization;
using Gateway.Protocol.Upstreams;
using Gateway.Protocol.Validation;

namespace Gateway.Actors.ConfigStore;

/// <summary>State of one upstream entity and its pure decisions (see <see cref="RouteState"/> for the versioning rules).</summary>
/// <param name="Current">The upstream as stored, or null when it never existed or was deleted.</param>
/// <param name="Version">Version of the last stored change (0 before the first).</param>
internal sealed record UpstreamState(UpstreamDefinition? Current, long Version)
{
    /// <summary>State of an upstream that was never written.</summary>
    public static readonly UpstreamState Empty = new(null, 0);

    /// <summary>Decides an upsert.</summary>
    public EntityDecision Process(UpsertUpstream command)
    {
        if (command.ExpectedVersion is { } expected && expected != (Current?.Version ?? 0))
            return EntityDecision.Answer(new VersionConflict(Current?.Version ?? 0));

        var errors = DefinitionValidator.ValidateUpstream(command.Upstream);
        if (errors.Count > 0) return EntityDecision.Answer(new ValidationRejected([.. errors]));

        if (Current is not null && DefinitionJson.Shape(Current) == DefinitionJson.Shape(command.Upstream))
            return EntityDecision.Answer(new UpstreamAccepted(Current, Created: false));

        var next = command.Upstream with { Version = Version + 1 };
        return new([new UpstreamUpserted(next)], new UpstreamAccepted(next, Created: Current is null));
    }

    /// <summary>Decides a delete; <paramref name="routes"/> are the replicated routes this node sees, none of which may still use the upstream.</summary>
    public EntityDecision Process(DeleteUpstream command, IEnumerable<RouteDefinition> routes)
    {
        if (Current is null) return EntityDecision.Answer(new DefinitionNotFound(EntityKeys.Upstream(command.Name)));
        if (command.ExpectedVersion is { } expected && expected != Current.Version)
            return EntityDecision.Answer(new VersionConflict(Current.Version));
        var users = routes.Where(r => r.UpstreamNames().Contains(command.Name)).Select(r => r.Id).Order(StringComparer.Ordinal).ToArray();
        if (users.Length > 0) return EntityDecision.Answer(new UpstreamInUse(command.Name, [.. users]));
        var version = Version + 1;
        return new([new UpstreamDeleted(command.Name, version)], new DefinitionDeleted(EntityKeys.Upstream(command.Name), version));
    }

    /// <summary>The state after <paramref name="event"/>; events of other kinds leave it unchanged.</summary>
    public UpstreamState Apply(IGatewayMessage @event) => @event switch
    {
        UpstreamUpserted e => new UpstreamState(e.Upstream, e.Upstream.Version),
        UpstreamDeleted e => new UpstreamState(null, e.Version),
        _ => this,
    };
}
