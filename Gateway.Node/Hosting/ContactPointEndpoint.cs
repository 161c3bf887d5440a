using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ManagementHttp = Akka.Management.Http;

namespace Gateway.Node.Hosting;

/// <summary>
/// This node's Cluster.Bootstrap contact point: a small Kestrel listener on the management port
/// (<c>akka.management.http.*</c>) answering the other nodes' probes, <c>GET /bootstrap/seed-nodes</c>, with
/// <see cref="SeedNodesReply"/> from the live cluster state.
/// </summary>
internal sealed class ContactPointEndpoint : IAsyncDisposable
{
    /// <summary>The path every probe asks.</summary>
    public const string SeedNodesPath = "/bootstrap/seed-nodes";

    private readonly WebApplication _app;

    private ContactPointEndpoint(WebApplication app, Uri self)
    {
        _app = app;
        SelfContactPoint = self;
    }

    /// <summary>
    /// Where the other nodes reach this one (<c>http://hostname:port/</c>): bootstrap matches it against the discovered
    /// contact points to find itself among them.
    /// </summary>
    public Uri SelfContactPoint { get; }

    /// <summary>Listens on the management bind address and port and answers probes from <paramref name="system"/>'s cluster.</summary>
    /// <exception cref="ConfigurationException">A management base path is set (probes would not find the endpoint).</exception>
    public static async Task<ContactPointEndpoint> StartAsync(ActorSystem system, ManagementHttp http)
    {
        if (!string.IsNullOrWhiteSpace(http.BasePath))
            throw new ConfigurationException($"akka.management.http.base-path must be empty: the contact point serves {SeedNodesPath} at the root (was \"{http.BasePath}\")");

        var builder = EmptyWebHost.CreateBuilder();
        var addresses = await BindAddressesAsync(http.EffectiveBindHostname).ConfigureAwait(false);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (var address in addresses) kestrel.Listen(address, http.EffectiveBindPort);
        });
        var app = builder.Build();
        var cluster = Akka.Cluster.Cluster.Get(system);
        app.Run(context => AnswerAsync(context, cluster));
        await app.StartAsync().ConfigureAwait(false);

        var port = http.Port != 0 ? http.Port : BoundPort(app);
        var host = IPAddress.TryParse(http.Hostname, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : http.Hostname;
        return new ContactPointEndpoint(app, new Uri($"http://{host}:{port}/"));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static Task AnswerAsync(HttpContext context, Akka.Cluster.Cluster cluster)
    {
        if (context.Request.Path != SeedNodesPath)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET";
            return Task.CompletedTask;
        }
        var body = SeedNodesReply.From(cluster).ToJson();
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static async Task<IPAddress[]> BindAddressesAsync(string host)
    {
        if (host is "0.0.0.0" or "*" or "") return [IPAddress.Any];
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) return [ip];
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return [IPAddress.Loopback];
        return await Dns.GetHostAddressesAsync(host).ConfigureAwait(false);
    }

    private static int BoundPort(WebApplication app)
    {
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the contact point listener reports no address");
        return new Uri(bound.Replace("://*", "://localhost", StringComparison.Ordinal)).Port;
    }
}
