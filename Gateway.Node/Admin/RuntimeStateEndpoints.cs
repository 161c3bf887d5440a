using System.Text.Json.Nodes;
using Gateway.Actors.Ops;
using Gateway.Actors.Routing;
using Gateway.Protocol.Ops;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Node.Admin;

/// <summary>
/// What <c>pbm gateway upstreams|breakers|ratelimits</c> show, as JSON for dashboards and CI: the same tables, the same
/// camelCase keys and typed values as <c>pbm --json</c> (<see cref="OpsJson"/>), as this node sees them.
/// </summary>
public static class RuntimeStateEndpoints
{
    /// <summary>Maps <c>GET /admin/upstreams/{name}/health</c>, <c>/admin/breakers</c> and <c>/admin/ratelimits</c> on <paramref name="host"/>.</summary>
    public static void MapRuntimeStateApi(this IEndpointRouteBuilder endpoints, string host, AdminApiSettings settings)
    {
        var admin = endpoints.MapGroup("/admin").RequireHost(host).AddEndpointFilter(new AdminAuthFilter(settings.Token));
        admin.MapGet("/upstreams/{name}/health", (string name, RouteTableHolder table) =>
        {
            var result = GatewayPalette.Upstreams(table.Upstreams, name);
            if (result.ExitCode != OpsExitCodes.Ok)
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"no upstream '{name}' on this node");
            var upstream = OpsJson.Rows(result.Frames.First(f => f.Name == "upstreams"))[0]!.AsObject();
            upstream["endpoints"] = OpsJson.Rows(result.Frames.First(f => f.Name == "endpoints"));
            return Json(upstream);
        });
        admin.MapGet("/breakers", (RouteTableHolder table) => Json(OpsJson.Rows(GatewayPalette.Breakers(table.Upstreams).Frames[0])));
        admin.MapGet("/ratelimits", (RouteTableHolder table) => Json(OpsJson.Rows(RateLimitCommands.RateLimits(table.Current, null).Frames[0])));
    }

    private static IResult Json(JsonNode node) => Results.Text(node.ToJsonString(), "application/json");
}
