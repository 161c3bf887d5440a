using System.Text.Json.Nodes;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Gateway.Protocol.Configuration;

/// <summary>Turns a HOCON value into the JSON tree that <see cref="DefinitionReader"/> reads, so both formats share one reader.</summary>
/// <remarks>HOCON leaves carry no type, so every leaf becomes a JSON string; the reader accepts numbers and booleans written as strings.</remarks>
public static class HoconTree
{
    /// <summary>The value at <paramref name="path"/> as JSON, or null when the path is absent.</summary>
    public static JsonNode? At(Config config, string path) =>
        config.HasPath(path) ? ToJson(config.GetValue(path)) : null;

    /// <summary>Converts one HOCON value (object, array or leaf).</summary>
    public static JsonNode? ToJson(HoconValue value)
    {
        if (value.IsObject())
        {
            var obj = new JsonObject();
            foreach (var (key, child) in value.GetObject().Items)
            {
                obj[key] = ToJson(child);
            }
            return obj;
        }

        if (value.IsArray())
        {
            var array = new JsonArray();
            foreach (var item in value.GetArray())
            {
                array.Add(ToJson(item));
            }
            return array;
        }

        return value.IsEmpty ? null : JsonValue.Create(value.GetString());
    }
}
