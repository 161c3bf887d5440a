using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Protocol.Security;

namespace Gateway.Protocol.Serialization;

/// <summary>The JSON of a route's security sections, written the way <see cref="Configuration.DefinitionReader"/> reads them.</summary>
internal static class SecurityJson
{
    /// <summary>The JSON object of <paramref name="cors"/>.</summary>
    public static JsonObject ToJson(CorsDefinition cors)
    {
        var obj = new JsonObject { ["allowedOrigins"] = Strings(cors.AllowedOrigins) };
        if (!cors.AllowedMethods.IsDefaultOrEmpty) obj["allowedMethods"] = Strings(cors.AllowedMethods);
        if (!cors.AllowedHeaders.IsDefaultOrEmpty) obj["allowedHeaders"] = Strings(cors.AllowedHeaders);
        if (!cors.ExposedHeaders.IsDefaultOrEmpty) obj["exposedHeaders"] = Strings(cors.ExposedHeaders);
        if (cors.AllowCredentials) obj["allowCredentials"] = true;
        if (cors.MaxAge is { } maxAge) obj["maxAge"] = maxAge.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        return obj;
    }

    /// <summary>The JSON object of <paramref name="rules"/>.</summary>
    public static JsonObject ToJson(IpRulesDefinition rules)
    {
        var obj = new JsonObject();
        if (!rules.Allow.IsDefaultOrEmpty) obj["allow"] = Strings(rules.Allow);
        if (!rules.Deny.IsDefaultOrEmpty) obj["deny"] = Strings(rules.Deny);
        return obj;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
