using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Gateway.Protocol.Routing;

namespace Gateway.Protocol.Serialization;

/// <summary>The JSON of a route's traffic sections (<c>match</c>, <c>backends</c>, <c>sticky</c>, <c>fallback</c>), written in full so they replicate and persist unchanged.</summary>
internal static class TrafficJson
{
    /// <summary>Adds the route's traffic sections to <paramref name="obj"/>; unset sections are left out.</summary>
    public static void AddTo(JsonObject obj, RouteDefinition route)
    {
        if (route.Match is { } match)
        {
            var m = new JsonObject();
            if (!match.Headers.IsDefaultOrEmpty) m["headers"] = Conditions(match.Headers);
            if (!match.Query.IsDefaultOrEmpty) m["query"] = Conditions(match.Query);
            if (!match.Cookies.IsDefaultOrEmpty) m["cookies"] = Conditions(match.Cookies);
            obj["match"] = m;
        }
        if (!route.Backends.IsDefaultOrEmpty)
        {
            obj["backends"] = new JsonArray(route.Backends
                .Select(b => (JsonNode?)new JsonObject { ["upstream"] = b.Upstream, ["weight"] = b.Weight }).ToArray());
        }
        if (route.Sticky is { } sticky) obj["sticky"] = new JsonObject { ["key"] = sticky.Key };
        if (route.Fallback is { } fallback)
        {
            var f = new JsonObject { ["status"] = fallback.Status };
            if (fallback.ContentType is not null) f["contentType"] = fallback.ContentType;
            if (fallback.Body is not null) f["body"] = fallback.Body;
            if (fallback.BodyFile is not null) f["bodyFile"] = fallback.BodyFile;
            if (!fallback.On.IsDefaultOrEmpty) f["on"] = new JsonArray(fallback.On.Select(r => (JsonNode?)JsonValue.Create(FallbackDefinition.NameOf(r))).ToArray());
            obj["fallback"] = f;
        }
    }

    private static JsonArray Conditions(ImmutableArray<MatchCondition> conditions) => new(conditions.Select(c =>
    {
        var o = new JsonObject { ["name"] = c.Name };
        if (c.Value is not null) o["value"] = c.Value;
        if (c.Regex is not null) o["regex"] = c.Regex;
        if (c.Present) o["present"] = true;
        return (JsonNode?)o;
    }).ToArray());
}
