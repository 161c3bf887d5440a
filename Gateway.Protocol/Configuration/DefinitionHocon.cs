using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Serialization;
using Gateway.Protocol.Upstreams;

namespace Gateway.Protocol.Configuration;

/// <summary>
/// Writes upstreams and routes in the file format a node's <c>--config</c> reads (HOCON, kebab-case), or as the JSON
/// document <see cref="DefinitionDocument"/> reads: sorted by name and id, without versions, so a dump read back and
/// applied changes nothing.
/// </summary>
/// <remarks>
/// Driven by <see cref="DefinitionJson"/>: every field the JSON of a definition carries is written, so a field added to
/// the model appears here without a change. camelCase field names become kebab-case; keys of a header map
/// (<c>add { X-Name = ... }</c>) and other names that are not camelCase identifiers are written as they are, quoted.
/// </remarks>
public static partial class DefinitionHocon
{
    /// <summary>The HOCON text of <paramref name="definitions"/> under <c>gateway { upstreams = [...], routes = [...] }</c>.</summary>
    public static string Write(GatewayDefinitions definitions)
    {
        var (upstreams, routes) = Sorted(definitions);
        var text = new StringBuilder();
        text.Append("gateway {\n");
        WriteList(text, "upstreams", upstreams);
        WriteList(text, "routes", routes);
        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>The JSON document <c>{"upstreams":[...],"routes":[...]}</c> of <paramref name="definitions"/>, sorted, without versions.</summary>
    public static JsonObject ToJsonDocument(GatewayDefinitions definitions)
    {
        var (upstreams, routes) = Sorted(definitions);
        return new JsonObject
        {
            ["upstreams"] = new JsonArray([.. upstreams]),
            ["routes"] = new JsonArray([.. routes]),
        };
    }

    /// <summary>The JSON of <paramref name="upstream"/> as a file holds it: no version.</summary>
    public static JsonObject FileJson(UpstreamDefinition upstream) => WithoutVersion(DefinitionJson.ToJson(upstream));

    /// <summary>The JSON of <paramref name="route"/> as a file holds it: no version.</summary>
    public static JsonObject FileJson(RouteDefinition route) => WithoutVersion(DefinitionJson.ToJson(route));

    /// <summary>The HOCON spelling of a JSON field name: <c>maxInFlight</c> becomes <c>max-in-flight</c>; other names stay.</summary>
    public static string FieldName(string jsonName) =>
        CamelIdentifier().IsMatch(jsonName) ? DefinitionReader.ToKebab(jsonName) : jsonName;

    private static (JsonObject[] Upstreams, JsonObject[] Routes) Sorted(GatewayDefinitions definitions) => (
        definitions.Upstreams.OrderBy(u => u.Name, StringComparer.Ordinal).Select(FileJson).ToArray(),
        definitions.Routes.OrderBy(r => r.Id, StringComparer.Ordinal).Select(FileJson).ToArray());

    private static JsonObject WithoutVersion(JsonObject obj)
    {
        obj.Remove("version");
        return obj;
    }

    private static void WriteList(StringBuilder text, string name, JsonObject[] items)
    {
        text.Append("  ").Append(name).Append(" = [");
        if (items.Length == 0)
        {
            text.Append("]\n");
            return;
        }
        text.Append('\n');
        foreach (var item in items)
        {
            text.Append("    ");
            WriteValue(text, item, 2, keepKeys: false);
            text.Append('\n');
        }
        text.Append("  ]\n");
    }

    private static void WriteValue(StringBuilder text, JsonNode? node, int depth, bool keepKeys)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                if (obj.Count == 0)
                {
                    text.Append("{}");
                    break;
                }
                text.Append("{\n");
                foreach (var (key, value) in obj)
                {
                    text.Append(' ', 2 * (depth + 1));
                    text.Append(Quote(keepKeys ? key : FieldName(key))).Append(" = ");
                    // The keys of a header map are header names, not fields.
                    WriteValue(text, value, depth + 1, keepKeys: key is "add" || keepKeys);
                    text.Append('\n');
                }
                text.Append(' ', 2 * depth).Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) text.Append(", ");
                    WriteValue(text, array[i], depth, keepKeys);
                }
                text.Append(']');
                break;
            case JsonValue value:
                text.Append(value.GetValueKind() switch
                {
                    JsonValueKind.String => Quote(value.GetValue<string>()),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Number => value.ToJsonString(),
                    _ => Quote(value.ToJsonString()),
                });
                break;
        }
    }

    // HOCON's quoted strings are JSON strings; quoting every key and string keeps '.', ':', '*' and '$' literal.
    private static string Quote(string text) => JsonSerializer.Serialize(text, QuoteOptions);

    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex("^[a-z][a-zA-Z0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex CamelIdentifier();
}
