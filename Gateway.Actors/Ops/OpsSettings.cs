using System.Net;
using Akka.Configuration;

namespace Gateway.Actors.Ops;

/// <summary>Settings of the pbm ops host and its command handlers, read from <c>gateway.ops</c>.</summary>
public sealed record OpsSettings(
    string Hostname,
    int Port,
    string Token,
    int LogBufferSize,
    TimeSpan AskTimeout,
    TimeSpan HierarchyTimeout,
    int MaxBufferedFrames)
{
    /// <summary>True when the host listens at all (<c>port</c> is not 0).</summary>
    public bool Enabled => Port != 0;

    /// <summary>True when connections must present <see cref="Token"/>.</summary>
    public bool RequiresToken => Token.Length > 0;

    /// <summary>Reads the settings from a config that has the embedded defaults as fallback.</summary>
    /// <exception cref="ConfigurationException">A value is invalid, e.g. a non-loopback bind without a token.</exception>
    public static OpsSettings FromConfig(Config config)
    {
        var section = config.GetConfig("gateway.ops");
        var settings = new OpsSettings(
            section.GetString("hostname"),
            section.GetInt("port"),
            section.GetString("token") ?? "",
            section.GetInt("log-buffer-size"),
            section.GetTimeSpan("ask-timeout"),
            section.GetTimeSpan("hierarchy-timeout"),
            section.GetInt("max-buffered-frames"));

        if (settings.Port is < 0 or > 65535)
            throw new ConfigurationException($"gateway.ops.port: {settings.Port} is not a TCP port (0 turns the ops host off)");
        if (settings.LogBufferSize < 1)
            throw new ConfigurationException($"gateway.ops.log-buffer-size: {settings.LogBufferSize} must be at least 1");
        if (settings.MaxBufferedFrames < 16)
            throw new ConfigurationException($"gateway.ops.max-buffered-frames: {settings.MaxBufferedFrames} must be at least 16");
        if (settings.Enabled && !IsLoopback(settings.Hostname) && !settings.RequiresToken)
            throw new ConfigurationException($"gateway.ops.token: required when gateway.ops.hostname ('{settings.Hostname}') is not a loopback address");
        if (settings.Enabled) settings.BindAddress(); // an unusable hostname stops the node now, not after it started
        return settings;
    }

    /// <summary>The address to bind: loopback for <c>localhost</c>, any for <c>0.0.0.0</c> or <c>*</c>.</summary>
    /// <exception cref="ConfigurationException">The hostname is not an IP address.</exception>
    public IPAddress BindAddress() => Hostname switch
    {
        _ when Hostname.Equals("localhost", StringComparison.OrdinalIgnoreCase) => IPAddress.Loopback,
        "0.0.0.0" or "*" => IPAddress.Any,
        _ when IPAddress.TryParse(Hostname, out var ip) => ip,
        _ => throw new ConfigurationException($"gateway.ops.hostname: '{Hostname}' is not an IP address, localhost or 0.0.0.0"),
    };

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
}
