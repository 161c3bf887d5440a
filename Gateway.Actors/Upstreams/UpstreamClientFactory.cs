using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
            ConnectCallback = defaults.InlineCompletions && SocketCompletions.Supported ? ConnectInlineAsync : null,
        };
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    // What SocketsHttpHandler does without a callback (a dual-mode TCP socket, no Nagle, connected to the DNS endpoint),
    // with the socket's completions on its event thread.
    private static async ValueTask<Stream> ConnectInlineAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            SocketCompletions.PreferInline(socket);
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>True when two definitions can share one client (same connection settings).</summary>
    public static bool SameConnectionSettings(UpstreamDefinition a, UpstreamDefinition b) =>
        a.ConnectTimeout == b.ConnectTimeout;
}
