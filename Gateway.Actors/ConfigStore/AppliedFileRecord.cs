using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Configuration;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Serialization;

namespace Gateway.Actors.ConfigStore;

/// <summary>
/// What this node's definitions file said when the node last applied it: a JSON file in the data directory, one per
/// node, so nodes sharing a data directory on one machine keep their own. The node applies only the difference between
/// its file and this record, at start as while running.
/// </summary>
public sealed class AppliedFileRecord(string path)
{
    /// <summary>Full path of the record file.</summary>
    public string Path { get; } = path;

    /// <summary>
    /// The record of the node configured by <paramref name="config"/>: named after its Akka.Remote port (fixed for a cluster
    /// member), or after its admin port when the remote port is chosen at random.
    /// </summary>
    public static AppliedFileRecord ForNode(ConfigStoreSettings settings, Config config)
    {
        var remotePort = config.GetInt("akka.remote.dot-netty.tcp.port");
        var node = remotePort > 0 ? $"remote-{remotePort}" : $"admin-{config.GetInt("gateway.admin.port")}";
        return new AppliedFileRecord(System.IO.Path.Combine(System.IO.Path.GetFullPath(settings.DataDirectory), $"applied-config.{node}.json"));
    }

    /// <summary>The recorded definitions, or null when this node never applied a file.</summary>
    /// <exception cref="JsonException">The record is not one this class wrote.</exception>
    /// <exception cref="IOException">The record could not be read.</exception>
    public GatewayDefinitions? Load()
    {
        if (!File.Exists(Path)) return null;
        var root = JsonNode.Parse(File.ReadAllText(Path)) as JsonObject ?? throw new JsonException("not a JSON object");
        var upstreams = (root["upstreams"] as JsonArray ?? []).Select(DefinitionJson.ReadUpstream);
        var routes = (root["routes"] as JsonArray ?? []).Select(DefinitionJson.ReadRoute);
        return new GatewayDefinitions([.. upstreams], [.. routes]);
    }

    /// <summary>Replaces the record with <paramref name="definitions"/> (written beside it, then renamed over it).</summary>
    /// <exception cref="IOException">The record could not be written.</exception>
    public void Save(GatewayDefinitions definitions)
    {
        var root = new JsonObject
        {
            ["upstreams"] = new JsonArray([.. definitions.Upstreams.Select(u => (JsonNode)DefinitionJson.ToJson(u with { Version = 0 }))]),
            ["routes"] = new JsonArray([.. definitions.Routes.Select(r => (JsonNode)DefinitionJson.ToJson(r with { Version = 0 }))]),
        };
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, Path, overwrite: true);
    }
}
