using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.DistributedData;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Serialization;
using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.ConfigStore;

/// <summary>
/// The Distributed Data keys that carry the accepted routes and upstreams to every node, and how their values read.
/// Each is an <see cref="LWWDictionary{TKey,TValue}"/> from id (or name) to the definition's JSON; the owning entity is its
/// only writer and stamps the entry with the definition's version, so a newer version always wins a merge. A delete is
/// written as a tombstone (<c>{"deleted":true,"version":N}</c>), never as a removal: an observed-remove loses to a put
/// the remover had not seen, which resurrected deleted routes (see <see cref="DefinitionView"/>).
/// </summary>
public static class ReplicatedDefinitions
{
    /// <summary>Route id to route JSON.</summary>
    public static readonly LWWDictionaryKey<string, string> RoutesKey = new("gateway-routes");

    /// <summary>Upstream name to upstream JSON.</summary>
    public static readonly LWWDictionaryKey<string, string> UpstreamsKey = new("gateway-upstreams");

    /// <summary>The routes in <paramref name="data"/>, ordered by id; entries that do not read are left out.</summary>
    public static ImmutableArray<RouteDefinition> Routes(LWWDictionary<string, string>? data) =>
        Read(data, DefinitionJson.ReadRoute);

    /// <summary>The upstreams in <paramref name="data"/>, ordered by name; entries that do not read are left out.</summary>
    public static ImmutableArray<UpstreamDefinition> Upstreams(LWWDictionary<string, string>? data) =>
        Read(data, DefinitionJson.ReadUpstream);

    /// <summary>The definitions a node serves from the two replicated sets.</summary>
    public static GatewayDefinitions ToDefinitions(LWWDictionary<string, string>? upstreams, LWWDictionary<string, string>? routes) =>
        new(Upstreams(upstreams), Routes(routes));

    /// <summary>The definitions a node serves from its two monotonic views.</summary>
    public static GatewayDefinitions ToDefinitions(DefinitionView upstreams, DefinitionView routes) =>
        new(Read(upstreams.Live, DefinitionJson.ReadUpstream), Read(routes.Live, DefinitionJson.ReadRoute));

    /// <summary>The value an owner writes for a deletion at <paramref name="version"/>.</summary>
    public static string Tombstone(long version) => $"{{\"deleted\":true,\"version\":{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}";

    /// <summary>The version of a replicated value and its JSON, or null JSON for a tombstone; version 0 when it does not read.</summary>
    public static (long Version, string? Json) Decode(string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            var root = document.RootElement;
            var version = root.TryGetProperty("version", out var v) && v.TryGetInt64(out var n) ? n : 0;
            var deleted = root.TryGetProperty("deleted", out var d) && d.ValueKind == JsonValueKind.True;
            return (version, deleted ? null : value);
        }
        catch (JsonException)
        {
            return (0, null);
        }
    }

    /// <summary>True when <paramref name="value"/> is a tombstone.</summary>
    public static bool IsTombstone(string value) => value.Contains("\"deleted\":true", StringComparison.Ordinal) && Decode(value).Json is null;

    /// <summary>True when <paramref name="data"/> holds <paramref name="key"/> live (not deleted).</summary>
    public static bool ContainsLive(LWWDictionary<string, string> data, string key) =>
        data.TryGetValue(key, out var value) && !IsTombstone(value);

    private static ImmutableArray<T> Read<T>(LWWDictionary<string, string>? data, Func<JsonNode?, T> read) =>
        data is null ? [] : Read(data.Entries.OrderBy(kv => kv.Key, StringComparer.Ordinal), read);

    private static ImmutableArray<T> Read<T>(IEnumerable<KeyValuePair<string, string>> entries, Func<JsonNode?, T> read)
    {
        var result = ImmutableArray.CreateBuilder<T>();
        foreach (var (_, json) in entries)
        {
            if (IsTombstone(json)) continue;
            try
            {
                result.Add(read(JsonNode.Parse(json)));
            }
            catch (JsonException)
            {
                // Written by a node that knows fields this one does not; the next version of this node reads it.
            }
        }
        return result.ToImmutable();
    }
}
