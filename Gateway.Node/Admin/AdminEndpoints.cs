using Akka.Actor;
using Akka.Cluster;
using Gateway.Actors.ConfigStore;
using Gateway.Actors.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace Gateway.Node.Admin;

/// <summary>The admin port's endpoints: liveness, readiness, Prometheus metrics and the routes and upstreams API.</summary>
public static class AdminEndpoints
{
    /// <summary>Maps <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c> and <c>/admin/*</c>, reachable only on <paramref name="adminPort"/>.</summary>
    public static void MapAdmin(this IEndpointRouteBuilder endpoints, int adminPort, AdminApiSettings api)
    {
        var host = $"*:{adminPort}";
        endpoints.MapGet("/healthz", () => Results.Json(new { status = "alive" })).RequireHost(host);
        endpoints.MapGet("/readyz", (ActorSystem system, RouteTableHolder table, ConfigReplicaStatus replica) => Readiness(system, table, replica)).RequireHost(host);
        endpoints.MapMetrics("/metrics").RequireHost(host);
        endpoints.MapConfigApi(host, api);
        endpoints.MapCacheApi(host, api);
    }

    // Ready only when Up and the route table holds the replicated set as it stood after this node's rehydration.
    private static IResult Readiness(ActorSystem system, RouteTableHolder table, ConfigReplicaStatus replica)
    {
        var status = Cluster.Get(system).SelfMember.Status;
        var ready = status == MemberStatus.Up && table.IsLoaded && replica.IsSynced;
        var body = new { ready, member = status.ToString(), routeTableLoaded = table.IsLoaded, replicaSynced = replica.IsSynced, routes = table.Current.Count };
        return Results.Json(body, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
