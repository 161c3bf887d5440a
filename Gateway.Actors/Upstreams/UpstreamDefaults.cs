using Akka.Configuration;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.Upstreams;

/// <summary>
/// Values for the upstream fields a definition leaves out, read from <c>gateway.upstream-defaults</c>; and whether upstream
/// connections complete inline (<c>gateway.ingress.inline-completions</c>, see <see cref="SocketCompletions"/>).
/// </summary>
public sealed record UpstreamDefaults(
    LoadBalancingMode LoadBalancing,
    int MaxInFlight,
    int MaxQueued,
    TimeSpan ConnectTimeout,
    TimeSpan RequestTimeout,
    TimeSpan PooledConnectionIdleTimeout,
    TimeSpan RetryAfter,
    BreakerPolicy Breaker,
    HealthCheckPolicy HealthCheck,
    RetryPolicy Retry,
    bool InlineCompletions = false)
{
    /// <summary>Reads the defaults from a config that has the embedded reference as fallback.</summary>
    public static UpstreamDefaults FromConfig(Config config)
    {
        var section = config.GetConfig("gateway.upstream-defaults");
        var mode = section.GetString("load-balancing");
        if (!DefinitionReader.TryParseLoadBalancing(mode, out var lb))
            throw new ConfigurationException($"gateway.upstream-defaults.load-balancing: '{mode}' is not one of round-robin, weighted, power-of-two-choices");
        return new UpstreamDefaults(
            lb,
            section.GetInt("max-in-flight"),
            section.GetInt("max-queued"),
            section.GetTimeSpan("connect-timeout"),
            section.GetTimeSpan("request-timeout"),
            section.GetTimeSpan("pooled-connection-idle-timeout"),
            config.GetTimeSpan("gateway.shedding.retry-after"),
            BreakerPolicy.FromConfig(section.GetConfig("circuit-breaker")),
            HealthCheckPolicy.FromConfig(section.GetConfig("health-check")),
            RetryPolicy.FromConfig(section.GetConfig("retry")),
            ConfigValues.Flag(config, "", "gateway.ingress.inline-completions"));
    }
}
