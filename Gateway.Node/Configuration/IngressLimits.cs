using Akka.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Node.Configuration;

/// <summary>What a client may send to the ingress, read from <c>gateway.ingress.limits</c> and applied to Kestrel.</summary>
public sealed record IngressLimits(
    long MaxRequestLine,
    long MaxRequestHeadersSize,
    int MaxRequestHeaders,
    TimeSpan RequestHeadersTimeout,
    double MinRequestBodyBytesPerSecond,
    TimeSpan MinRequestBodyGrace,
    TimeSpan KeepAliveTimeout)
{
    /// <summary>Reads the section.</summary>
    public static IngressLimits FromConfig(Config section) => new(
        section.GetByteSize("max-request-line") ?? throw Missing("max-request-line"),
        section.GetByteSize("max-request-headers-size") ?? throw Missing("max-request-headers-size"),
        section.GetInt("max-request-headers"),
        section.GetTimeSpan("request-headers-timeout"),
        section.GetDouble("min-request-body-bytes-per-second"),
        section.GetTimeSpan("min-request-body-grace"),
        section.GetTimeSpan("keep-alive-timeout"));

    /// <summary>Applies the limits to Kestrel.</summary>
    public void Apply(KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = checked((int)MaxRequestLine);
        limits.MaxRequestHeadersTotalSize = checked((int)MaxRequestHeadersSize);
        limits.MaxRequestHeaderCount = MaxRequestHeaders;
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.KeepAliveTimeout = KeepAliveTimeout;
        limits.MinRequestBodyDataRate = MinRequestBodyBytesPerSecond > 0
            ? new MinDataRate(MinRequestBodyBytesPerSecond, MinRequestBodyGrace)
            : null;
    }

    private static ConfigurationException Missing(string key) => new($"gateway.ingress.limits.{key}: not a size such as 8KiB");
}
