using System.Reflection;
using Akka.Configuration;

namespace Gateway.Actors;

/// <summary>The gateway's default HOCON (<c>hocon/gateway.conf</c>, embedded in this assembly).</summary>
public static class GatewayDefaults
{
    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(GatewayDefaults).Assembly.GetManifestResourceStream("gateway.conf")
            ?? throw new InvalidOperationException("embedded resource 'gateway.conf' is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>A fresh parse of the defaults.</summary>
    public static Config Config => ConfigurationFactory.ParseString(Text.Value);
}
