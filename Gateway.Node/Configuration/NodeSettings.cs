using System.Net;
using Akka.Configuration;
using Gateway.Actors;
using Serilog.Events;

namespace Gateway.Node.Configuration;

/// <summary>The process-level settings of a node: listeners, sample mode and logging, read from <c>gateway.*</c>.</summary>
public sealed record NodeSettings(
    string IngressHost,
    int IngressPort,
    int H2cPort,
    string AdminHost,
    int AdminPort,
    string AdminToken,
    bool SampleEnabled,
    int SampleEchoPort,
    LogEventLevel LogLevel,
    bool LogJson,
    bool HasSeedNodes,
    IngressLimits Limits,
    TimeSpan DrainTimeout)
{
    /// <summary>Reads the settings from the node's layered config.</summary>
    /// <exception cref="ConfigurationException">A value is invalid, e.g. a non-loopback admin bind without a token.</exception>
    public static NodeSettings FromConfig(Config config)
    {
        var g = config.GetConfig("gateway");
        var levelText = g.GetString("logging.level");
        if (!Enum.TryParse<LogEventLevel>(levelText, ignoreCase: true, out var level))
            throw new ConfigurationException($"gateway.logging.level: '{levelText}' is not one of Verbose, Debug, Information, Warning, Error, Fatal");

        var settings = new NodeSettings(
            g.GetString("ingress.hostname"),
            g.GetInt("ingress.port"),
            g.GetInt("ingress.h2c-port"),
            g.GetString("admin.hostname"),
            g.GetInt("admin.port"),
            g.GetString("admin.token") ?? "",
            Gateway.Actors.ConfigValues.Flag(g, "gateway", "sample.enabled"),
            g.GetInt("sample.echo-port"),
            level,
            Gateway.Actors.ConfigValues.Flag(g, "gateway", "logging.json"),
            config.GetStringList("akka.cluster.seed-nodes").Count > 0,
            IngressLimits.FromConfig(g.GetConfig("ingress.limits")),
            ConfigValues.Duration(g, "gateway", "shutdown.drain-timeout"));

        if (settings.DrainTimeout < TimeSpan.Zero)
            throw new ConfigurationException($"gateway.shutdown.drain-timeout: {settings.DrainTimeout} is negative");
        if (settings.AdminPort == settings.IngressPort)
            throw new ConfigurationException($"gateway.admin.port: {settings.AdminPort} is also the ingress port; give the admin API its own port");
        if (!IsLoopback(settings.AdminHost) && string.IsNullOrEmpty(settings.AdminToken))
            throw new ConfigurationException($"gateway.admin.token: required when gateway.admin.hostname ('{settings.AdminHost}') is not a loopback address");
        return settings;
    }

    /// <summary>True for localhost and loopback addresses.</summary>
    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
}
