using Akka.Actor;
using Akka.Cluster;
using Gateway.Actors.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace Gateway.Node.Admin;

/// <summary>The admin port's endpoints: liveness, readiness and Prometheus metrics.</summary>
public static class AdminEndpoints
{
    /// <summary>Maps <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>, reachable only on <paramref name="adminPort"/>.</summary>
    public static void MapAdmin(this IEndpointRouteBuilder endpoints, int adminPort)
    {
        var host = $"*:{adminPort}";
        endpoints.MapGet("/healthz", () => Results.Json(new { status = "alive" })).RequireHost(host);
        endpoints.MapGet("/readyz", (ActorSystem system, RouteTableHolder table) => Readiness(system, table)).RequireHost(host);
        endpoints.MapMetrics("/metrics").RequireHost(host);
    }

    private static IResult Readiness(ActorSystem system, RouteTableHolder table)
    {
        var status = Cluster.Get(system).SelfMember.Status;
        var ready = status == MemberStatus.Up && table.IsLoaded;
        var body = new { ready, member = status.ToString(), routeTableLoaded = table.IsLoaded, routes = table.Current.Count };
        return Results.Json(body, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
