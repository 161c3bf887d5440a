using System.Diagnostics;

namespace Gateway.Actors.Observability;

/// <summary>
/// The gateway's spans: <c>ingress</c> (server, one per request, child of the client's traceparent) and
/// <c>upstream</c> (client, one per try). With no listener (tracing off) no activity is created and the
/// client's traceparent is passed on, or a new one started, as is.
/// </summary>
public static class GatewayTracing
{
    /// <summary>Name of the ActivitySource, for OpenTelemetry's AddSource.</summary>
    public const string SourceName = "Gateway";

    /// <summary>The source.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The traceparent header value for <paramref name="activity"/>.</summary>
    public static string TraceParentOf(Activity activity) =>
        $"00-{activity.TraceId.ToHexString()}-{activity.SpanId.ToHexString()}-{((activity.ActivityTraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";
}
