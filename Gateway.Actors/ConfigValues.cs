using Akka.Configuration;

namespace Gateway.Actors;

/// <summary>
/// Values read from the node's HOCON with the key named when a value is not one. Akka's readers throw bare exceptions for
/// a value they cannot read (a FormatException for "-1s" or "soon" as a duration, a NotSupportedException for "maybe" as
/// a flag): these name the key, as a <see cref="ConfigurationException"/> the node reports with exit 2.
/// </summary>
public static class ConfigValues
{
    /// <summary>The duration at <paramref name="path"/> (relative to <paramref name="config"/>, which sits at <paramref name="prefix"/> in the node's config; empty for the root).</summary>
    public static TimeSpan Duration(Config config, string prefix, string path) =>
        Read(config, prefix, path, static (c, p) => c.GetTimeSpan(p), "a duration such as 30s or 100ms (and not negative)");

    /// <summary>The on/off flag at <paramref name="path"/> (relative to <paramref name="config"/>, which sits at <paramref name="prefix"/> in the node's config; empty for the root).</summary>
    public static bool Flag(Config config, string prefix, string path) =>
        Read(config, prefix, path, static (c, p) => c.GetBoolean(p), "on or off (true/false, yes/no)");

    private static T Read<T>(Config config, string prefix, string path, Func<Config, string, T> read, string expected)
    {
        try
        {
            return read(config, path);
        }
        catch (Exception ex) when (ex is FormatException or NotSupportedException)
        {
            var key = prefix.Length == 0 ? path : $"{prefix}.{path}";
            throw new ConfigurationException($"{key}: '{config.GetString(path)}' is not {expected}");
        }
    }
}
