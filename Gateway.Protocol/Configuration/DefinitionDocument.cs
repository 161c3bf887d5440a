using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Configuration;
using Gateway.Protocol.Validation;

namespace Gateway.Protocol.Configuration;

/// <summary>
/// A file of upstreams and routes handed to a node as text (<c>pbm gateway routes apply FILE</c>): HOCON as in a node's
/// <c>--config</c> file, or JSON as the admin API writes it. Read with the same <see cref="DefinitionReader"/>; every error
/// names its field the way the file spells it.
/// </summary>
/// <remarks>
/// HOCON: <c>gateway { upstreams = [...], routes = [...] }</c>, or the two lists at the root. JSON (a name ending in
/// <c>.json</c>, or text starting with <c>[</c>): <c>{"upstreams":[...],"routes":[...]}</c>, optionally under
/// <c>"gateway"</c>, or an array of routes as <c>GET /admin/routes</c> returns it.
/// </remarks>
public sealed record DefinitionDocument(GatewayDefinitions Definitions, string FieldPrefix, bool KebabCase, ImmutableArray<ValidationError> ShapeErrors)
{
    /// <summary>Reads <paramref name="text"/>; <paramref name="name"/> (a file name) picks the format by its extension.</summary>
    public static DefinitionDocument Parse(string name, string text)
    {
        var json = name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('[');
        return json ? ParseJson(text) : ParseHocon(text);
    }

    /// <summary>
    /// Every error of the document: its shape, each definition, duplicates, and routes onto upstreams that neither the
    /// document nor <paramref name="existingUpstreams"/> (those the cluster has already) declare.
    /// </summary>
    public IReadOnlyList<ValidationError> Validate(IEnumerable<string> existingUpstreams)
    {
        if (ShapeErrors.Length == 0 && Definitions.Upstreams.IsEmpty && Definitions.Routes.IsEmpty)
            return [new ValidationError(FieldPrefix.TrimEnd('.'), "declares no upstreams and no routes")];
        return [.. ShapeErrors, .. Definitions.Validate(FieldPrefix, KebabCase, existingUpstreams)];
    }

    private static DefinitionDocument ParseHocon(string text)
    {
        Config config;
        try
        {
            config = ConfigurationFactory.ParseString(text);
        }
        catch (Exception ex) when (ex is ConfigurationException or FormatException or ArgumentException or InvalidOperationException)
        {
            return Invalid("", kebab: true, $"not valid HOCON: {ex.Message}");
        }

        var prefix = config.HasPath("gateway") ? "gateway." : "";
        var reader = new DefinitionReader(kebabCase: true);
        var upstreams = reader.ReadList(HoconTree.At(config, prefix + "upstreams"), prefix + "upstreams", reader.ReadUpstream);
        var routes = reader.ReadList(HoconTree.At(config, prefix + "routes"), prefix + "routes", reader.ReadRoute);
        return new DefinitionDocument(new GatewayDefinitions(upstreams, routes), prefix, true, [.. reader.Errors]);
    }

    private static DefinitionDocument ParseJson(string text)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            return Invalid("", kebab: false, $"not valid JSON: {ex.Message}");
        }

        var reader = new DefinitionReader(kebabCase: false);
        if (root is JsonArray)
            return new DefinitionDocument(new GatewayDefinitions([], reader.ReadList(root, "routes", reader.ReadRoute)), "", false, [.. reader.Errors]);
        if (root is not JsonObject obj) return Invalid("", kebab: false, "must be a JSON object with upstreams and routes, or an array of routes");

        var prefix = "";
        if (Field(obj, "gateway") is JsonObject gateway)
        {
            obj = gateway;
            prefix = "gateway.";
        }
        var upstreams = reader.ReadList(Field(obj, "upstreams"), prefix + "upstreams", reader.ReadUpstream);
        var routes = reader.ReadList(Field(obj, "routes"), prefix + "routes", reader.ReadRoute);
        return new DefinitionDocument(new GatewayDefinitions(upstreams, routes), prefix, false, [.. reader.Errors]);
    }

    private static JsonNode? Field(JsonObject obj, string name) =>
        obj.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static DefinitionDocument Invalid(string field, bool kebab, string message) =>
        new(GatewayDefinitions.Empty, "", kebab, [new ValidationError(field, message)]);
}
