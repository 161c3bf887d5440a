using Akka.Configuration;

namespace Gateway.Actors;

/// <summary>On/off settings read from the node's HOCON with the key named when a value is not one.</summary>
public static class ConfigFlags
{
    /// <summary>
    /// The flag at <paramref name="path"/> (relative to <paramref name="config"/>, which sits at <paramref name="prefix"/>
    /// in the node's config; empty for the root). Akka's reader throws a bare NotSupportedException for a value it cannot
    /// read (e.g. "maybe"): this names the key, as a <see cref="ConfigurationException"/> the node reports with exit 2.
    /// </summary>
    public static bool Get(Config config, string prefix, string path)
    {
        try
        {
            return config.GetBoolean(path);
        }
        catch (NotSupportedException)
        {
            var key = prefix.Length == 0 ? path : $"{prefix}.{path}";
            throw new ConfigurationException($"{key}: '{config.GetString(path)}' is not on or off (true/false, yes/no)");
        }
    }
}
