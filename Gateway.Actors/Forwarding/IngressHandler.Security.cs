using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Forwarding;

/// <summary>The hot path's security steps: the route's chain (address rules, CORS, auth) and the traversal refusal.</summary>
public sealed partial class IngressHandler
{
    private async Task SecuredAsync(HttpContext context, Routing.CompiledRoute route, string path, string destination, long start)
    {
        var requestId = RequestIdentity.RequestId(context.Request);
        if (await route.Security!.RefuseAsync(context, requestId).ConfigureAwait(false) is { } status)
        {
            route.Metrics.Record(status, start);
            if (_accessLog.ShouldLog()) WriteAccess(context, route.Id, null, status, start, requestId, null);
            return;
        }
        await AdmitAsync(context, route, path, destination, start).ConfigureAwait(false);
    }

    private Task PathEscapesRootAsync(HttpContext context, long start)
    {
        var requestId = RequestIdentity.RequestId(context.Request);
        GatewayMetrics.Unmatched.WithLabels("400").Inc();
        if (_accessLog.ShouldLog()) WriteAccess(context, null, null, StatusCodes.Status400BadRequest, start, requestId, null);
        return Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Path escapes the root",
            "the request path's dot segments climb above '/'", requestId);
    }
}
