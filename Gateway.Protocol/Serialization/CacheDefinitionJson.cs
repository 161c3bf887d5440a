using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Protocol.Caching;

namespace Gateway.Protocol.Serialization;

/// <summary>The JSON of a route's <see cref="CacheDefinition"/>, written in full so it replicates and persists unchanged.</summary>
internal static class CacheDefinitionJson
{
    /// <summary>The camelCase object of <paramref name="cache"/>; unset optional fields are left out.</summary>
    public static JsonObject ToJson(CacheDefinition cache)
    {
        var obj = new JsonObject();
        if (!cache.Key.IsDefaultOrEmpty) obj["key"] = new JsonArray(cache.Key.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray());
        if (cache.DefaultTtl is { } ttl) obj["defaultTtl"] = ttl.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        if (cache.MaxBodySize is { } max) obj["maxBodySize"] = max;
        if (cache.StaleIfError is { } stale) obj["staleIfError"] = stale.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        obj["allowSetCookie"] = cache.AllowSetCookie;
        obj["cluster"] = cache.Cluster;
        obj["sharedAcrossIdentities"] = cache.SharedAcrossIdentities;
        if (cache.IdentityClaim is { } claim) obj["identityClaim"] = claim;
        return obj;
    }
}
