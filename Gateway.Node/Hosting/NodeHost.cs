using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using Gateway.Actors.Caching;
using Gateway.Actors.ConfigStore;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Ingress;
using Gateway.Actors.Ops;
using Gateway.Actors.Routing;
using Gateway.Actors.Upstreams;
using Gateway.Node.Admin;
using Gateway.Node.Configuration;
using Gateway.Node.Ops;
using Gateway.Node.Observability;
using Gateway.Node.Sample;
using Gateway.Node.Tls;
using Gateway.Protocol.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Gateway.Node.Hosting;

/// <summary>Composes a gateway node: HOCON, Serilog, Kestrel listeners, the actor system and the request pipeline.</summary>
public static class NodeHost
{
    /// <summary>Builds the node for <paramref name="config"/> (see <see cref="NodeConfigLoader"/>).</summary>
    /// <exception cref="ConfigurationException">The config or its route and upstream definitions are invalid; the message lists every error.</exception>
    /// <param name="config">The node's layered config.</param>
    /// <param name="time">Clock of the response cache (tests pass a manual one); the system clock when null.</param>
    public static WebApplication Build(Config config, TimeProvider? time = null)
    {
        var settings = NodeSettings.FromConfig(config);
        var tls = TlsSettings.FromConfig(config);
        var certificate = tls.Enabled ? ServerCertificate.Load(tls) : null;
        var clusterTls = ClusterTlsExtensions.CreateSetup(ClusterTlsSettings.FromConfig(config));
        var defaults = UpstreamDefaults.FromConfig(config);
        var ops = OpsSettings.FromConfig(config);
        var logs = new LogBuffer(ops.LogBufferSize);
        var store = ConfigStoreSettings.FromConfig(config);
        var adminApi = AdminApiSettings.FromConfig(config);
        var clients = Gateway.Actors.RateLimiting.ClientAddressResolver.FromConfig(config);
        var cache = new Gateway.Actors.Caching.ResponseCache(Gateway.Actors.Caching.CacheSettings.FromConfig(config), time ?? TimeProvider.System);
        var security = Gateway.Actors.Security.SecuritySettings.FromConfig(config);
        var (definitions, errors) = GatewayDefinitions.FromConfig(config);
        errors = [.. errors, .. Gateway.Protocol.Security.AuthPolicies.CheckReferences(definitions.Routes, security.Policies.Select(p => p.Name).Contains, "gateway.", kebabCase: true)];
        if (errors.Count > 0)
            throw new ConfigurationException("invalid route or upstream definitions:\n  " + string.Join("\n  ", errors));

        MetricsSetup.Configure(config);
        var builder = EmptyWebHost.CreateBuilder();
        builder.Services.AddLogging();
        ConfigureLogging(builder, settings, logs);
        var ingressConnections = new IngressConnections([settings.IngressPort, settings.H2cPort, certificate is null ? 0 : tls.Port]);
        var warmup = WarmupSettings.FromConfig(config); // read here: a bad value stops the start with its field path (exit 2)
        ConfigureKestrel(builder, settings, tls, certificate, ingressConnections, warmup.Duration > TimeSpan.Zero);
        if (certificate is not null)
            builder.Services.AddHostedService(sp => new CertificateReloader(certificate, tls, sp.GetRequiredService<ILogger<CertificateReloader>>()));

        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<RouteTableHolder>();
        builder.Services.AddSingleton<ConfigReplicaStatus>();
        builder.Services.AddSingleton<Gateway.Actors.RateLimiting.ClusterRateLimitRegistry>();
        builder.Services.AddSingleton(cache);
        builder.Services.AddSingleton(sp => new Gateway.Actors.Security.NodeSecurity(security, clients, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(sp => UpstreamFailureLog.FromConfig(config, sp.GetRequiredService<ILogger<UpstreamFailureLog>>()));
        builder.Services.AddSingleton<ForwardingServices>();
        builder.Services.AddSingleton<IngressHandler>();
        builder.Services.AddSingleton(sp => new IngressWarmup(warmup,
            sp.GetRequiredService<Yarp.ReverseProxy.Forwarder.IHttpForwarder>(), defaults));
        builder.Services.AddSingleton(Observability.SerilogAccessLog.FromConfig(config));
        builder.Services.AddGatewayTracing(config);
        var configFile = config.GetString("gateway.config-file");
        if (!string.IsNullOrEmpty(configFile) && Gateway.Actors.ConfigValues.Flag(config, "", "gateway.watch-config-file"))
        {
            builder.Services.AddHostedService(sp => new ConfigFileWatcher(configFile,
                sp.GetRequiredService<ActorRegistry>(), adminApi.AskTimeout, sp.GetRequiredService<ILogger<ConfigFileWatcher>>()));
        }
        builder.Services.AddRouting();
        builder.Services.AddOpsHost(ops, logs);
        if (settings.SampleEnabled)
            builder.Services.AddHostedService(sp => new EchoUpstream(settings.SampleEchoPort, sp.GetRequiredService<ILogger<EchoUpstream>>()));

        builder.Services.AddAkka("gateway", (akka, _) =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend)
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLogger<AkkaSerilogLogger>();
                })
                .AddClusterTls(clusterTls)
                .AddGatewayRouting(defaults, clients)
                .AddGatewayOps(ops)
                // The node's definitions are a change set against what they were when this node last applied them,
                // applied through the route entities once the journal is replayed (an unchanged file changes nothing).
                .AddGatewayConfigStore(store, definitions, AppliedFileRecord.ForNode(store, config))
                .AddGatewayCache(cache)
                .AddStartup((system, _) => ClusterFormation.Start(system, ClusterFormation.UsesBootstrap(config), settings.HasSeedNodes))
                .AddStartup((system, _) => Gateway.Actors.Observability.ClusterMetrics.Register(system));
        });

        // Opens the ingress once the node is ready; on stop, drains it and leaves the cluster before any hosted service stops.
        builder.Services.AddSingleton(ingressConnections);
        builder.Services.AddSingleton(sp => new DrainState(sp.GetRequiredService<IHostApplicationLifetime>(), settings.DrainTimeout,
            config.GetTimeSpan("gateway.shutdown.keep-alive-grace")));
        builder.Services.AddSingleton<INodeDrain>(sp => sp.GetRequiredService<DrainState>());
        // Kestrel's socket transport, decorated so the drain can close the ingress listeners alone.
        builder.Services.RemoveAll<IConnectionListenerFactory>();
        builder.Services.AddSingleton<IConnectionListenerFactory>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SocketTransportOptions>>();
            var inline = defaults.InlineCompletions && Gateway.Actors.SocketCompletions.Supported;
            // The proxied traffic's transport: with inline completions, Kestrel also parses and runs each request on the
            // thread that completed its read instead of queueing it once more.
            // Kestrel's defaults otherwise: the node configures no other socket transport option.
            var proxy = inline ? Options.Create(new SocketTransportOptions { UnsafePreferInlineScheduling = true }) : options;
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            return new IngressListenerFactory(new SocketTransportFactory(options, loggers), new SocketTransportFactory(proxy, loggers), inline,
                ingressConnections);
        });
        builder.Services.AddHostedService(sp => new IngressLifecycleService(sp.GetRequiredService<DrainState>(), ingressConnections, sp,
            sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<IngressLifecycleService>>()));
        // A node resuming from a long pause steps back (gateway.pause-watch).
        builder.Services.AddHostedService(sp => new PauseWatchService(new PauseDetector(config.GetTimeSpan("gateway.pause-watch.max-pause")),
            config.GetTimeSpan("gateway.pause-watch.interval"), sp.GetRequiredService<DrainState>(), sp, sp.GetRequiredService<ILogger<PauseWatchService>>()));
        // The whole stop: the drain, then CoordinatedShutdown (its phases are bounded in gateway.conf), with a margin.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.DrainTimeout + TimeSpan.FromSeconds(30));

        var app = builder.Build();
        var holder = app.Services.GetRequiredService<RouteTableHolder>();
        var gauges = GatewayMetrics.TrackUpstreams(() => holder.Upstreams);
        app.Lifetime.ApplicationStopped.Register(gauges.Dispose);

        var ingress = app.Services.GetRequiredService<IngressHandler>();
        var warmupPass = app.Services.GetRequiredService<IngressWarmup>();
        var adminPort = settings.AdminPort;
        // Proxied traffic never goes through endpoint routing: everything not on the admin port goes straight to the handler.
        app.Use((context, next) =>
        {
            var port = context.Connection.LocalPort;
            if (port == adminPort) return next(context);
            // The warm-up pass's own connections, while it runs (before the ingress opens).
            if (warmupPass.Owns(port)) return warmupPass.HandleAsync(context);
            // Draining: answer, and tell the client to open its next connection elsewhere (Kestrel closes after the response).
            if (ingressConnections.IsDraining && HttpProtocol.IsHttp11(context.Request.Protocol)) context.Response.Headers.Connection = "close";
            return ingress.HandleAsync(context);
        });
        app.UseRouting();
        app.MapAdmin(adminPort, adminApi);
        return app;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, NodeSettings settings, LogBuffer logs)
    {
        builder.Logging.ClearProviders();
        // Each node logs through its own logger (and its own pbm log buffer), not the process-wide Log.Logger, which the
        // last node built would own when several run in one process (the tests). Akka writes to it too (AkkaSerilogLogger).
        var logger = new LoggerConfiguration()
            .MinimumLevel.Is(settings.LogLevel)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            // Off, not Warning: while this category is enabled at all, ASP.NET Core starts an Activity and a log scope for
            // every request (about 0.7 KB, issue 12). It logs only per-request lines (below Warning) and startup failures,
            // which the node also reports when the host fails to start.
            .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LevelAlias.Off)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .MinimumLevel.Override("Yarp", LogEventLevel.Warning)
            // YARP warns once per failed try; the gateway logs the first per endpoint and sums up the rest (UpstreamFailureLog).
            .MinimumLevel.Override("Yarp.ReverseProxy.Forwarder.HttpForwarder", LogEventLevel.Error)
            .Enrich.FromLogContext()
            .WriteTo.Sink(new LogBufferSink(logs));
        if (settings.LogJson) logger.WriteTo.Console(new CompactJsonFormatter());
        else logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
        var node = logger.CreateLogger();
        builder.Services.AddSerilog(node, dispose: true);
        builder.Services.AddSingleton<Serilog.ILogger>(node);
    }

    private static void ConfigureKestrel(WebApplicationBuilder builder, NodeSettings settings, TlsSettings tls, ServerCertificate? certificate,
        IngressConnections ingress, bool warmup)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Bodies stream through; per-route limits belong to route policies, not to a global cap.
            kestrel.Limits.MaxRequestBodySize = null;
            settings.Limits.Apply(kestrel.Limits);
            if (settings.IngressPort > 0) Listen(kestrel, settings.IngressHost, settings.IngressPort, HttpProtocols.Http1, ingress);
            if (certificate is not null) ListenTls(kestrel, settings.IngressHost, tls, certificate, ingress);
            if (settings.H2cPort > 0) Listen(kestrel, settings.IngressHost, settings.H2cPort, HttpProtocols.Http2, ingress);
            Listen(kestrel, settings.AdminHost, settings.AdminPort, HttpProtocols.Http1, null);
            if (warmup) kestrel.Listen(new WarmupEndPoint(), listen => listen.Protocols = HttpProtocols.Http1);
        });
    }

    private static void Listen(KestrelServerOptions kestrel, string host, int port, HttpProtocols protocols, IngressConnections? ingress, Action<ListenOptions>? configure = null)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) host = "127.0.0.1";
        var address = host is "0.0.0.0" or "*" ? IPAddress.Any : IPAddress.Parse(host);
        kestrel.Listen(address, port, listen =>
        {
            listen.Protocols = protocols;
            if (ingress is not null) listen.Use(ingress.Track);
            configure?.Invoke(listen);
        });
    }

    private static void ListenTls(KestrelServerOptions kestrel, string host, TlsSettings tls, ServerCertificate certificate, IngressConnections ingress) =>
        Listen(kestrel, host, tls.Port, tls.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1, ingress, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            // Read per handshake, so a reloaded certificate serves the next connection. Kestrel sets ALPN from the
            // listener's protocols, then OnAuthenticate hands SslStream the leaf with its intermediates.
            ServerCertificateSelector = (_, _) => certificate.Certificate,
            OnAuthenticate = (_, ssl) =>
            {
                ssl.ServerCertificateSelectionCallback = null;
                ssl.ServerCertificate = null;
                ssl.ServerCertificateContext = certificate.Context;
            },
        }));
}
