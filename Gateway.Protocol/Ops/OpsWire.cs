using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Protocol.Ops;

/// <summary>
/// The ops wire format: one JSON object per line (UTF-8, <c>\n</c>-terminated), camelCase, null fields left out.
/// Shared by the node's ops host and the <c>pbm</c> client.
/// </summary>
public static class OpsWire
{
    /// <summary>Longest line either side accepts; a longer one closes the connection.</summary>
    public const int MaxLineLength = 1024 * 1024;

    /// <summary>The serializer options of the wire format.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    /// <summary>Serializes <paramref name="request"/> as one line (without the newline).</summary>
    public static string Write(OpsRequest request) => JsonSerializer.Serialize(request, Options);

    /// <summary>Serializes <paramref name="frame"/> as one line (without the newline).</summary>
    public static string Write(OpsFrame frame) => JsonSerializer.Serialize(frame, Options);

    /// <summary>Parses a request line; null with <paramref name="error"/> set when it is not a request object.</summary>
    public static OpsRequest? ReadRequest(string line, out string? error) => Read<OpsRequest>(line, out error);

    /// <summary>Parses a frame line; null with <paramref name="error"/> set when it is not a frame object.</summary>
    public static OpsFrame? ReadFrame(string line, out string? error) => Read<OpsFrame>(line, out error);

    private static T? Read<T>(string line, out string? error)
        where T : class
    {
        try
        {
            error = null;
            var value = JsonSerializer.Deserialize<T>(line, Options);
            if (value is null) error = "expected a JSON object";
            return value;
        }
        catch (JsonException ex)
        {
            error = $"not a valid frame: {ex.Message}";
            return null;
        }
    }
}
