using System.Diagnostics;
using Gateway.Actors.Chain;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Observability;
using Gateway.Actors.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Ingress;

/// <summary>
/// The one place where a request's outcome becomes what the outside sees: the problem response (when a step refused
/// it), the metrics, and the access log entry. Steps never write these themselves.
/// </summary>
internal sealed class OutcomeRenderer(IAccessLog accessLog)
{
    private static readonly Prometheus.Counter.Child Unmatched400 = GatewayMetrics.Unmatched.WithLabels("400");
    private static readonly Prometheus.Counter.Child Unmatched404 = GatewayMetrics.Unmatched.WithLabels("404");
    private static readonly Prometheus.Counter.Child Unmatched405 = GatewayMetrics.Unmatched.WithLabels("405");

    /// <summary>Renders <paramref name="outcome"/> of a request on <paramref name="route"/> (null: no route matched).</summary>
    public Task RenderAsync(RequestContext context, CompiledRoute? route, in StepOutcome outcome)
    {
        var http = context.Http;
        var write = Task.CompletedTask;
        if (outcome.HasProblem)
        {
            if (outcome.RetryAfter is { } retryAfter) http.Response.Headers.RetryAfter = retryAfter;
            var traceId = context.TraceParent is { Length: 55 } traceParent ? RequestIdentity.TraceId(traceParent) : null;
            write = Problems.WriteAsync(http, outcome.Status, outcome.Title!, outcome.Detail!, context.RequestId, traceId);
        }

        if (route is null)
        {
            (outcome.Status switch { 404 => Unmatched404, 405 => Unmatched405, _ => Unmatched400 }).Inc();
        }
        else
        {
            if (outcome.Kind == OutcomeKind.RateLimited) route.Metrics.RecordRateLimited();
            else if (outcome.Kind == OutcomeKind.Shed) route.Metrics.RecordShed();
            route.Metrics.Record(outcome.Status, context.Start);
        }

        if (accessLog.ShouldLog()) WriteAccess(context, route?.Id, outcome.Status);
        return write;
    }

    private void WriteAccess(RequestContext context, string? routeId, int status)
    {
        var http = context.Http;
        var request = http.Request;
        var traceParent = context.TraceParent;
        accessLog.Write(new AccessLogEntry(
            request.Method, request.Path.Value ?? "", routeId, context.Endpoint, status, request.ContentLength, http.Response.ContentLength,
            Stopwatch.GetElapsedTime(context.Start).TotalMilliseconds, context.RequestId,
            traceParent is { Length: 55 } ? RequestIdentity.TraceId(traceParent) : null,
            http.Connection.RemoteIpAddress?.ToString()));
    }
}
