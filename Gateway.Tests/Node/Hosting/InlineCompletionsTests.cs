using System.Net;
using System.Net.Sockets;
using Gateway.Actors;
using Gateway.Node.Hosting;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Gateway.Tests.Node.Hosting;

/// <summary>
/// Issue 12: the sockets of proxied traffic complete on the runtime's socket event threads (no thread-pool hand-off per
/// read and write), and only they do: the admin port's connections and the cluster's keep the runtime's default, so a
/// peer that stops reading, or a slow admin call, never holds an event thread (ops/bench/RESULTS.md).
/// </summary>
public sealed class InlineCompletionsTests
{
    [Fact]
    public void ThisRuntime_HasThePerSocketSwitch_AndANewSocketHandsOff()
    {
        Assert.True(SocketCompletions.Supported, "Socket.PreferInlineCompletions is gone from this runtime: the node would hand off every completion");
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        Assert.False(SocketCompletions.IsInline(socket));
        Assert.True(SocketCompletions.PreferInline(socket));
        Assert.True(SocketCompletions.IsInline(socket));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task IngressConnections_CompleteInline_OnlyWhenOn_AndTheProxiedRequestIsAnswered(bool inline)
    {
        await using var upstream = await TestUpstream.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var gateway = await TestGateway.StartAsync($$"""
            ingress.inline-completions = {{(inline ? "on" : "off")}}
            upstreams = [ { name = svc, endpoints = [ "{{upstream.Url}}" ] } ]
            routes = [ { id = api, path = "/{**rest}", upstream = svc } ]
            """);

        // A keep-alive connection stays open after its request, so its socket can be looked at.
        using var response = await gateway.Client.GetAsync("/hello");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());

        var sockets = gateway.Services.GetRequiredService<IngressConnections>().Open
            .Select(c => c.Features.Get<IConnectionSocketFeature>()?.Socket).ToList();
        Assert.NotEmpty(sockets);
        Assert.All(sockets, s => Assert.Equal(inline, s is not null && SocketCompletions.IsInline(s)));
    }

    [Fact]
    public async Task OnlyTheIngressListeners_AcceptInlineSockets()
    {
        var ingressPort = FreePort.NextStable();
        var ingress = new IngressConnections([ingressPort]);
        var loggers = NullLoggerFactory.Instance;
        var factory = new IngressListenerFactory(
            new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggers),
            new SocketTransportFactory(Options.Create(new SocketTransportOptions { UnsafePreferInlineScheduling = true }), loggers),
            inlineCompletions: true, ingress);
        // The admin port (or any listener not on an ingress port) and the ingress port, as Kestrel binds them.
        var admin = await factory.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        var proxied = await factory.BindAsync(new IPEndPoint(IPAddress.Loopback, ingressPort));
        try
        {
            await ingress.OpenAsync(CancellationToken.None);
            Assert.False(await AcceptedSocketIsInline(admin));
            Assert.True(await AcceptedSocketIsInline(proxied));
        }
        finally
        {
            await admin.DisposeAsync();
            await proxied.DisposeAsync();
        }
    }

    private static async Task<bool> AcceptedSocketIsInline(IConnectionListener listener)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var accepting = listener.AcceptAsync(timeout.Token).AsTask();
        await client.ConnectAsync((IPEndPoint)listener.EndPoint, timeout.Token);
        var connection = await accepting ?? throw new InvalidOperationException("the listener closed");
        try
        {
            var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket ?? throw new InvalidOperationException("no socket feature");
            return SocketCompletions.IsInline(socket);
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }
}
