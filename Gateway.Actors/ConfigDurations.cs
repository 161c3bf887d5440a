using Akka.Configuration;

namespace Gateway.Actors;

/// <summary>Durations read from the node's HOCON with the key named when a value is not one.</summary>
public static class ConfigDurations
{
    /// <summary>
    /// The duration at <paramref name="path"/> (relative to <paramref name="config"/>, which sits at <paramref name="prefix"/>
    /// in the node's config). Akka's reader throws a bare FormatException for a value it cannot read (e.g. "-1s" or "soon"):
    /// this names the key, as a <see cref="ConfigurationException"/> the node reports with exit 2.
    /// </summary>
    public static TimeSpan Get(Config config, string prefix, string path)
    {
        try
        {
            return config.GetTimeSpan(path);
        }
        catch (FormatException)
        {
            throw new ConfigurationException($"{prefix}.{path}: '{config.GetString(path)}' is not a duration such as 30s or 100ms (and not negative)");
        }
    }
}
