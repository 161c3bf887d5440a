using System.Reflection;
using Akka.Configuration;
using Gateway.Actors;

namespace Gateway.Node.Configuration;

/// <summary>
/// Builds the node's HOCON from its layers, highest first: <c>--set key=value</c> arguments, GATEWAY_* environment
/// variables, the <c>--config</c> file (or, without one, the embedded sample node), and the embedded defaults.
/// </summary>
public static class NodeConfigLoader
{
    /// <summary>Environment variables and the HOCON key each one sets.</summary>
    public static readonly IReadOnlyDictionary<string, string> EnvironmentKeys = new Dictionary<string, string>
    {
        ["GATEWAY_INGRESS_PORT"] = "gateway.ingress.port",
        ["GATEWAY_ADMIN_PORT"] = "gateway.admin.port",
        ["GATEWAY_ADMIN_HOSTNAME"] = "gateway.admin.hostname",
        ["GATEWAY_ADMIN_TOKEN"] = "gateway.admin.token",
        ["GATEWAY_OPS_PORT"] = "gateway.ops.port",
        ["GATEWAY_OPS_HOSTNAME"] = "gateway.ops.hostname",
        ["GATEWAY_OPS_TOKEN"] = "gateway.ops.token",
        ["GATEWAY_LOG_LEVEL"] = "gateway.logging.level",
        ["GATEWAY_HOSTNAME"] = "akka.remote.dot-netty.tcp.hostname",
        ["GATEWAY_PORT_REMOTE"] = "akka.remote.dot-netty.tcp.port",
        ["GATEWAY_DATA_DIR"] = "gateway.data-directory",
        ["GATEWAY_WARM_UP"] = "gateway.warm-up.duration",
    };

    /// <summary>The embedded defaults (<c>hocon/gateway.conf</c>).</summary>
    public static Config Defaults => GatewayDefaults.Config;

    /// <summary>Loads the layered config for <paramref name="args"/> and <paramref name="environment"/>.</summary>
    /// <exception cref="ArgumentException">An argument is unknown or malformed.</exception>
    public static Config Load(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> environment)
    {
        string? file = null;
        var sets = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--config" or "-c" when i + 1 < args.Count:
                    file = args[++i];
                    break;
                case "--set" when i + 1 < args.Count && args[i + 1].Contains('='):
                    sets.Add(args[++i]);
                    break;
                default:
                    throw new ArgumentException($"unknown or incomplete argument '{args[i]}'. Usage: Gateway.Node [--config FILE.conf] [--set key=value]...");
            }
        }

        var overrides = FromEnvironment(environment);
        foreach (var set in sets)
        {
            var eq = set.IndexOf('=');
            overrides = Parse($"{set[..eq].Trim()} = {Quote(set[(eq + 1)..].Trim())}", $"--set {set}").WithFallback(overrides);
        }

        var node = file is null
            ? SampleNode(overrides.WithFallback(Defaults).GetInt("gateway.sample.echo-port"))
            // A file may point an upstream at the sample echo upstream as "http://127.0.0.1:"${gateway.sample.echo-port}.
            : Parse($"gateway.sample.echo-port = {overrides.WithFallback(Defaults).GetInt("gateway.sample.echo-port")}\n" + ReadFile(file), $"config file '{file}'");
        var config = overrides.WithFallback(node).WithFallback(Defaults);
        return file is null
            ? config
            : ConfigurationFactory.ParseString($"gateway.config-file = {Quote(Path.GetFullPath(file))}").WithFallback(config);
    }

    /// <summary>The embedded sample node (<c>hocon/node.sample.conf</c>) with its echo upstream on <paramref name="echoPort"/>.</summary>
    public static Config SampleNode(int echoPort) =>
        ConfigurationFactory.ParseString($"gateway.sample.echo-port = {echoPort}\n" + ReadResource("node.sample.conf"));

    private static Config FromEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        var lines = new List<string>();
        foreach (var (variable, key) in EnvironmentKeys)
        {
            if (environment.TryGetValue(variable, out var value) && !string.IsNullOrWhiteSpace(value))
                lines.Add($"{key} = {Quote(value.Trim())}");
        }
        if (environment.TryGetValue("GATEWAY_SEEDS", out var seeds) && !string.IsNullOrWhiteSpace(seeds))
        {
            var list = seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Quote);
            lines.Add($"akka.cluster.seed-nodes = [{string.Join(", ", list)}]");
        }
        return Parse(string.Join('\n', lines), "GATEWAY_* environment variables");
    }

    /// <summary>Parses operator-supplied HOCON; a syntax error names where it came from instead of escaping as a crash.</summary>
    /// <exception cref="ConfigurationException">The text is not valid HOCON.</exception>
    private static Config Parse(string hocon, string source)
    {
        try
        {
            return ConfigurationFactory.ParseString(hocon);
        }
        catch (FormatException ex)
        {
            throw new ConfigurationException($"{source} is not valid HOCON: {ex.Message.Trim()}");
        }
    }

    // Values are written as HOCON strings, so a URL's ':' or '//' is not read as syntax; a list or object passes as is.
    private static string Quote(string value) =>
        value.StartsWith('[') || value.StartsWith('{') || value.StartsWith('"') ? value : "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string ReadFile(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"config file '{path}' does not exist");
        return File.ReadAllText(path);
    }

    private static string ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource '{name}' is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
