using Gateway.Protocol.Cluster;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Gateway.Protocol.Serialization;

namespace Gateway.Actors.ConfigStore;

/// <summary>The commands that take the cluster from one set of file-declared definitions to the next.</summary>
public static class DefinitionChanges
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

    // Records hold immutable collections, compared by reference; the canonical JSON compares what users wrote.
    private static bool Same(RouteDefinition a, RouteDefinition b) =>
        DefinitionJson.ToJson(a with { Version = 0 }).ToJsonString() == DefinitionJson.ToJson(b with { Version = 0 }).ToJsonString();

    private static bool Same(UpstreamDefinition a, UpstreamDefinition b) =>
        DefinitionJson.ToJson(a with { Version = 0 }).ToJsonString() == DefinitionJson.ToJson(b with { Version = 0 }).ToJsonString();
}
