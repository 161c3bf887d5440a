using System.Collections.Immutable;

namespace Gateway.Protocol.Configuration;

/// <summary>
/// One difference between the cluster's definitions and a file's: an upstream or route to create, update or delete,
/// with the fields that differ (HOCON spelling) and the version the cluster holds, which the write expects.
/// </summary>
/// <param name="Kind"><c>upstream</c> or <c>route</c>.</param>
/// <param name="Key">The upstream's name or the route's id.</param>
/// <param name="Action">What applying the file does to it.</param>
/// <param name="Fields">For an update, the top-level fields that differ (e.g. <c>methods</c>, <c>rate-limit</c>); empty otherwise.</param>
/// <param name="CurrentVersion">The version in the cluster (0 for a create): a write expects it, so a change made since stops the sync.</param>
/// <param name="Desired">The definition the file declares (null for a delete): an <see cref="Upstreams.UpstreamDefinition"/> or <see cref="Routing.RouteDefinition"/>.</param>
public sealed record DefinitionChange(string Kind, string Key, DefinitionChangeAction Action, ImmutableArray<string> Fields, long CurrentVersion, object? Desired)
{
    /// <summary>The line <c>pbm gateway config diff</c> prints: <c>+ route ID</c>, <c>~ route ID: field, field</c>, <c>- route ID</c>.</summary>
    public string Line => Action switch
    {
        DefinitionChangeAction.Create => $"+ {Kind} {Key}",
        DefinitionChangeAction.Update => $"~ {Kind} {Key}: {string.Join(", ", Fields)}",
        _ => $"- {Kind} {Key}",
    };

    /// <summary>The action as written in JSON and tables: <c>create</c>, <c>update</c>, <c>delete</c>.</summary>
    public string ActionName => Action.ToString().ToLowerInvariant();
}

/// <summary>What a <see cref="DefinitionChange"/> does.</summary>
public enum DefinitionChangeAction
{
    /// <summary>The file declares it; the cluster does not have it.</summary>
    Create,

    /// <summary>Both have it and they differ.</summary>
    Update,

    /// <summary>The cluster has it; the file does not name it (applied only with prune).</summary>
    Delete,
}
