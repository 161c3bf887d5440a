using System.Diagnostics;
using System.Net;
using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.Upstreams;

/// <summary>Creates the one pooled <see cref="SocketsHttpHandler"/> per upstream that the forwarder sends through.</summary>
internal static class UpstreamClientFactory
{
    /// <summary>A client with no cookies, redirects, proxy or decompression: the proxy passes bytes as they are.</summary>
    public static HttpMessageInvoker Create(UpstreamDefinition definition, UpstreamDefaults defaults)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = definition.ConnectTimeout ?? defaults.ConnectTimeout,
            PooledConnectionIdleTimeout = defaults.PooledConnectionIdleTimeout,
            // The gateway writes traceparent itself (pass on or start); no Activity-driven header injection.
            ActivityHeadersPropagator = null,
        };
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>True when two definitions can share one client (same connection settings).</summary>
    public static bool SameConnectionSettings(UpstreamDefinition a, UpstreamDefinition b) =>
        a.ConnectTimeout == b.ConnectTimeout;
}
