using System.Runtime.CompilerServices;
using Akka.Configuration;
using Gateway.Actors.Observability;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Node.Observability;

/// <summary>Turns on OpenTelemetry export of the gateway's spans when <c>gateway.tracing.otlp-endpoint</c> is set.</summary>
public static class TracingSetup
{
    /// <summary>Adds the tracer provider with the OTLP exporter, or nothing when no endpoint is configured.</summary>
    /// <exception cref="ConfigurationException">The endpoint or protocol is invalid.</exception>
    public static void AddGatewayTracing(this IServiceCollection services, Config config)
    {
        var section = config.GetConfig("gateway.tracing");
        var endpoint = section.GetString("otlp-endpoint");
        if (string.IsNullOrWhiteSpace(endpoint)) return;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            throw new ConfigurationException($"gateway.tracing.otlp-endpoint: '{endpoint}' is not an absolute URL");
        var protocol = section.GetString("otlp-protocol");
        if (protocol is not ("grpc" or "http-protobuf"))
            throw new ConfigurationException($"gateway.tracing.otlp-protocol: '{protocol}' is not one of grpc, http-protobuf");
        AddOtlpTracing(services, uri, protocol, section.GetString("service-name"));
    }

    // Kept out of AddGatewayTracing and never inlined: compiling a method that names OpenTelemetry's types loads its
    // assemblies, so with tracing off (the default) the node maps none of them (issue 12, ops/bench/RESULTS.md "Memory").
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddOtlpTracing(IServiceCollection services, Uri endpoint, string protocol, string serviceName) =>
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddSource(GatewayTracing.SourceName)
                .AddOtlpExporter(otlp =>
                {
                    otlp.Endpoint = endpoint;
                    otlp.Protocol = protocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                }));
}
