using System.Collections.Immutable;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Gateway.Protocol.Serialization;

namespace Gateway.Actors.ConfigStore;

/// <summary>The commands that take the cluster from one set of file-declared definitions to the next.</summary>
internal static class DefinitionChanges
{
    /// <summary>
    /// Upserts of new or changed definitions and deletes of the ones <paramref name="next"/> no longer declares, in an
    /// order the owners accept: upstreams before the routes onto them, routes removed before their upstreams.
    /// </summary>
    public static IReadOnlyList<IWithEntityKey> Between(GatewayDefinitions previous, GatewayDefinitions next)
    {
        var commands = new List<IWithEntityKey>();
        var oldUpstreams = previous.Upstreams.ToDictionary(u => u.Name, StringComparer.Ordinal);
        var oldRoutes = previous.Routes.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var newUpstreams = next.Upstreams.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
        var newRoutes = next.Routes.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);

        foreach (var upstream in next.Upstreams)
        {
            if (!oldUpstreams.TryGetValue(upstream.Name, out var old) || !Same(old, upstream)) commands.Add(new UpsertUpstream(upstream with { Version = 0 }));
        }
        foreach (var route in next.Routes)
        {
            if (!oldRoutes.TryGetValue(route.Id, out var old) || !Same(old, route)) commands.Add(new UpsertRoute(route with { Version = 0 }));
        }
        commands.AddRange(previous.Routes.Where(r => !newRoutes.Contains(r.Id)).Select(r => new DeleteRoute(r.Id)));
        commands.AddRange(previous.Upstreams.Where(u => !newUpstreams.Contains(u.Name)).Select(u => new DeleteUpstream(u.Name)));
        return commands;
    }

    /// <summary>
    /// The record of what the file said after the owner answered <paramref name="reply"/> to <paramref name="command"/>:
    /// an accepted upsert records the definition, an accepted (or already done) delete forgets it, a refusal changes
    /// nothing, so the refused change is tried again with the next change set.
    /// </summary>
    public static GatewayDefinitions Record(GatewayDefinitions record, IWithEntityKey command, ICommandReply reply) => (command, reply) switch
    {
        (UpsertUpstream c, UpstreamAccepted) => record with { Upstreams = Put(record.Upstreams, c.Upstream with { Version = 0 }, u => u.Name == c.Upstream.Name) },
        (UpsertRoute c, RouteAccepted) => record with { Routes = Put(record.Routes, c.Route with { Version = 0 }, r => r.Id == c.Route.Id) },
        (DeleteUpstream c, DefinitionDeleted or DefinitionNotFound) => record with { Upstreams = record.Upstreams.RemoveAll(u => u.Name == c.Name) },
        (DeleteRoute c, DefinitionDeleted or DefinitionNotFound) => record with { Routes = record.Routes.RemoveAll(r => r.Id == c.RouteId) },
        _ => record,
    };

    /// <summary>True when <paramref name="reply"/> means the owner took <paramref name="command"/> (a delete of what is already gone included).</summary>
    public static bool IsAccepted(IWithEntityKey command, ICommandReply reply) => (command, reply) switch
    {
        (UpsertUpstream, UpstreamAccepted) or (UpsertRoute, RouteAccepted) => true,
        (DeleteUpstream or DeleteRoute, DefinitionDeleted or DefinitionNotFound) => true,
        _ => false,
    };

    private static ImmutableArray<T> Put<T>(ImmutableArray<T> items, T item, Func<T, bool> same)
    {
        for (var i = 0; i < items.Length; i++)
        {
            if (same(items[i])) return items.SetItem(i, item);
        }
        return items.Add(item);
    }

    // Records hold immutable collections, compared by reference; the canonical JSON compares what users wrote.
    private static bool Same(RouteDefinition a, RouteDefinition b) =>
        DefinitionJson.ToJson(a with { Version = 0 }).ToJsonString() == DefinitionJson.ToJson(b with { Version = 0 }).ToJsonString();

    private static bool Same(UpstreamDefinition a, UpstreamDefinition b) =>
        DefinitionJson.ToJson(a with { Version = 0 }).ToJsonString() == DefinitionJson.ToJson(b with { Version = 0 }).ToJsonString();
}
