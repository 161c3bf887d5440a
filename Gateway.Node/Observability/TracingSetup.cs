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
        var protocol = section.GetString("otlp-protocol") switch
        {
            "grpc" => OtlpExportProtocol.Grpc,
            "http-protobuf" => OtlpExportProtocol.HttpProtobuf,
            var other => throw new ConfigurationException($"gateway.tracing.otlp-protocol: '{other}' is not one of grpc, http-protobuf"),
        };
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(section.GetString("service-name")))
            .WithTracing(tracing => tracing
                .AddSource(GatewayTracing.SourceName)
                .AddOtlpExporter(otlp =>
                {
                    otlp.Endpoint = uri;
                    otlp.Protocol = protocol;
                }));
    }
}
