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
/// only writer and stamps the entry with the definition's version, so a newer version always wins a merge.
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

    private static ImmutableArray<T> Read<T>(LWWDictionary<string, string>? data, Func<JsonNode?, T> read)
    {
        if (data is null) return [];
        var result = ImmutableArray.CreateBuilder<T>(data.Count);
        foreach (var (_, json) in data.Entries.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
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
