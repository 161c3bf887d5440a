using Akka.Actor;
using Akka.Cluster;
using Gateway.Actors.ConfigStore;
using Gateway.Actors.Routing;
using Gateway.Node.Hosting;
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
        endpoints.MapGet("/readyz", (ActorSystem system, RouteTableHolder table, ConfigReplicaStatus replica, DrainState drain, IngressConnections ingress) =>
            Readiness(system, table, replica, drain, ingress)).RequireHost(host);
        endpoints.MapMetrics("/metrics").RequireHost(host);
        endpoints.MapConfigApi(host, api);
        endpoints.MapCacheApi(host, api);
        endpoints.MapDeclarativeConfigApi(host, api);
        endpoints.MapRuntimeStateApi(host, api);
    }

    // Ready only when Up, the route table holds the replicated set as it stood after this node's rehydration, the ingress is
    // listening, and the node is not draining. members: the Up members this node sees (a killed node counts until it is
    // downed), unreachable: those it cannot reach.
    private static IResult Readiness(ActorSystem system, RouteTableHolder table, ConfigReplicaStatus replica, DrainState drain, IngressConnections ingress)
    {
        var cluster = Cluster.Get(system);
        var status = cluster.SelfMember.Status;
        var draining = drain.IsDraining;
        var steppedBack = WriteFence.Get(system).SteppedBack;
        var ready = !draining && steppedBack is null && ingress.IsOpen && IngressLifecycleService.CanServe(system, table, replica);
        var state = cluster.State;
        var members = state.Members.Count(m => m.Status == MemberStatus.Up);
        var body = new
        {
            ready, member = status.ToString(), routeTableLoaded = table.IsLoaded, replicaSynced = replica.IsSynced, routes = table.Current.Count,
            ingressOpen = ingress.IsOpen, draining, steppedBack = steppedBack is not null, steppedBackReason = steppedBack, members, unreachable = state.Unreachable.Count, address = cluster.SelfAddress.ToString(),
        };
        return Results.Json(body, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
