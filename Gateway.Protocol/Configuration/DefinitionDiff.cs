using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;

namespace Gateway.Protocol.Configuration;

/// <summary>
/// The differences between the definitions a cluster holds and those a file declares, in the order a sync applies
/// them: upstreams created or updated, then routes created or updated (a route's owner checks its upstream exists),
/// then routes deleted, then upstreams deleted (an upstream still used by a route cannot be deleted).
/// </summary>
/// <remarks>
/// Fields are compared on the definitions' JSON (<see cref="DefinitionHocon.FileJson(RouteDefinition)"/>), so a field added to the
/// model is compared without a change here; versions are not compared.
/// </remarks>
public static class DefinitionDiff
{
    /// <summary>Every difference between <paramref name="current"/> (the cluster's, with versions) and <paramref name="desired"/> (the file's).</summary>
    public static ImmutableArray<DefinitionChange> Compare(GatewayDefinitions current, GatewayDefinitions desired)
    {
        var upstreams = Changes("upstream", current.Upstreams, desired.Upstreams, u => u.Name, u => u.Version, DefinitionHocon.FileJson);
        var routes = Changes("route", current.Routes, desired.Routes, r => r.Id, r => r.Version, DefinitionHocon.FileJson);
        return
        [
            .. upstreams.Where(c => c.Action != DefinitionChangeAction.Delete),
            .. routes.Where(c => c.Action != DefinitionChangeAction.Delete),
            .. routes.Where(c => c.Action == DefinitionChangeAction.Delete),
            .. upstreams.Where(c => c.Action == DefinitionChangeAction.Delete),
        ];
    }

    /// <summary>The changes a sync applies: all of them with <paramref name="prune"/>, otherwise all but the deletes.</summary>
    public static ImmutableArray<DefinitionChange> Plan(ImmutableArray<DefinitionChange> changes, bool prune) =>
        prune ? changes : [.. changes.Where(c => c.Action != DefinitionChangeAction.Delete)];

    private static List<DefinitionChange> Changes<T>(string kind, ImmutableArray<T> current, ImmutableArray<T> desired,
        Func<T, string> key, Func<T, long> version, Func<T, JsonObject> json)
        where T : class
    {
        var have = current.ToDictionary(key, StringComparer.Ordinal);
        var want = desired.ToDictionary(key, StringComparer.Ordinal);
        var changes = new List<DefinitionChange>();
        foreach (var (name, definition) in want.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!have.TryGetValue(name, out var existing))
            {
                changes.Add(new(kind, name, DefinitionChangeAction.Create, [], 0, definition));
                continue;
            }
            var fields = ChangedFields(json(existing), json(definition));
            if (fields.Length > 0) changes.Add(new(kind, name, DefinitionChangeAction.Update, fields, version(existing), definition));
        }
        foreach (var (name, definition) in have.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!want.ContainsKey(name)) changes.Add(new(kind, name, DefinitionChangeAction.Delete, [], version(definition), null));
        }
        return changes;
    }

    // Top-level fields present on either side whose values differ, in HOCON spelling, sorted.
    private static ImmutableArray<string> ChangedFields(JsonObject before, JsonObject after) =>
    [
        .. before.Select(p => p.Key).Union(after.Select(p => p.Key))
            .Where(k => !JsonNode.DeepEquals(before[k], after[k]))
            .Select(DefinitionHocon.FieldName)
            .Order(StringComparer.Ordinal),
    ];
}
