using Akka.Actor;
using Akka.Hosting;
using Gateway.Actors.Caching;
using Gateway.Protocol.Caching;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Node.Admin;

/// <summary>
/// <c>/admin/cache</c>: the response cache's sizes on this node, and purges by path prefix or by exact target
/// (path and query), applied on this node at once and on every other node through cluster pub-sub.
/// </summary>
public static class CacheEndpoints
{
    /// <summary>Maps <c>GET /admin/cache</c>, <c>DELETE /admin/cache?prefix=|key=</c> and <c>POST /admin/cache/purge</c> on <paramref name="host"/>.</summary>
    public static void MapCacheApi(this IEndpointRouteBuilder endpoints, string host, AdminApiSettings settings)
    {
        var cache = endpoints.MapGroup("/admin/cache").RequireHost(host).AddEndpointFilter(new AdminAuthFilter(settings.Token));
        cache.MapGet("", (ResponseCache responses) => Results.Json(new
        {
            l1 = new { entries = responses.L1.Count, bytes = responses.L1.Size },
            l2 = new { entries = responses.L2.Count, bytes = responses.L2.Size },
        }));
        cache.MapDelete("", (string? prefix, string? key, IRequiredActor<CacheActorKey> actor, HttpContext context) =>
            PurgeAsync(prefix, key, actor.ActorRef, settings, context.RequestAborted));
        cache.MapPost("/purge", (PurgeBody body, IRequiredActor<CacheActorKey> actor, HttpContext context) =>
            PurgeAsync(body.Prefix, body.Key, actor.ActorRef, settings, context.RequestAborted));
    }

    /// <summary>Checks a purge request: exactly one of prefix and key, each a path starting with '/'; null when valid.</summary>
    public static string? Check(string? prefix, string? key) => (prefix, key) switch
    {
        (null, null) or ("", "") or (null, "") or ("", null) => "give either prefix (a path prefix such as /api/) or key (a path and query such as /api/users?page=2)",
        ({ Length: > 0 }, { Length: > 0 }) => "give prefix or key, not both",
        ({ Length: > 0 } p, _) when p[0] != '/' => $"prefix '{p}' must start with '/'",
        (_, { Length: > 0 } k) when k[0] != '/' => $"key '{k}' must be a path (and query) starting with '/'",
        _ => null,
    };

    private static async Task<IResult> PurgeAsync(string? prefix, string? key, IActorRef actor, AdminApiSettings settings, CancellationToken aborted)
    {
        if (Check(prefix, key) is { } problem)
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid purge", detail: problem);
        var purge = new PurgeCache(string.IsNullOrEmpty(prefix) ? null : prefix, string.IsNullOrEmpty(key) ? null : key);
        var applied = await actor.Ask<CacheActor.PurgeApplied>(new CacheActor.RequestPurge(purge), settings.AskTimeout, aborted);
        return Results.Json(new { prefix = purge.Prefix, key = purge.Target, l1Removed = applied.L1Removed, l2Removed = applied.L2Removed, publishedToCluster = true });
    }

    /// <summary>Body of <c>POST /admin/cache/purge</c>.</summary>
    public sealed record PurgeBody(string? Prefix, string? Key);
}
