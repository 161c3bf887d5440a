using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Gateway.Actors.ConfigStore;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Node.Admin;

/// <summary>
/// The admin API for routes and upstreams. Reads come from this node's monotonic view of the replicated sets (503 until it
/// is in sync); writes go to the owning sharded entity with a deadline (an <c>Ask</c>: this is the HTTP edge), which
/// validates and versions, and an applied write waits until the reachable nodes serve it.
/// </summary>
public static class ConfigEndpoints
{
    private const long MaxBodyBytes = 1024 * 1024;

    /// <summary>Maps <c>/admin/routes[/{id}]</c> and <c>/admin/upstreams[/{name}]</c> on <paramref name="host"/>.</summary>
    public static void MapConfigApi(this IEndpointRouteBuilder endpoints, string host, AdminApiSettings settings)
    {
        var admin = endpoints.MapGroup("/admin").RequireHost(host).AddEndpointFilter(new AdminAuthFilter(settings.Token));
        foreach (var kind in new[] { DefinitionKind.Routes, DefinitionKind.Upstreams })
        {
            admin.MapGet($"/{kind.Plural}", (ActorSystem system, ConfigReplicaStatus replica, HttpResponse response) => List(system, replica, kind, response));
            admin.MapGet($"/{kind.Plural}/{{key}}", (string key, ActorSystem system, ConfigReplicaStatus replica, HttpResponse response) =>
                Get(system, replica, kind, key, response));
            admin.MapPut($"/{kind.Plural}/{{key}}", (string key, HttpContext context, IRequiredActor<ConfigEntitiesKey> region) =>
                PutAsync(context, region.ActorRef, kind, key, settings));
            admin.MapDelete($"/{kind.Plural}/{{key}}", (string key, HttpContext context, IRequiredActor<ConfigEntitiesKey> region) =>
                DeleteAsync(context, region.ActorRef, kind, key, settings));
        }
    }

    // Reads come from this node's monotonic view, and only once it holds the cluster's set: a node still syncing (starting,
    // rejoining) or stepped back answers 503 rather than a shorter list a tool could diff or prune against.
    private static IResult List(ActorSystem system, ConfigReplicaStatus replica, DefinitionKind kind, HttpResponse response)
    {
        if (NotServingReads(system, replica, response) is { } unavailable) return unavailable;
        var list = new JsonArray();
        foreach (var (_, json) in kind.View(replica).Live) list.Add(JsonNode.Parse(json));
        return Results.Text(list.ToJsonString(), "application/json");
    }

    private static IResult Get(ActorSystem system, ConfigReplicaStatus replica, DefinitionKind kind, string key, HttpResponse response)
    {
        if (NotServingReads(system, replica, response) is { } unavailable) return unavailable;
        if (!kind.View(replica).TryGetLive(key, out var json)) return NotFound(kind, key);
        var body = JsonNode.Parse(json)!;
        response.Headers.ETag = ETag(body["version"]?.GetValue<long>() ?? 0);
        return Results.Text(json, "application/json");
    }

    private static IResult? NotServingReads(ActorSystem system, ConfigReplicaStatus replica, HttpResponse response)
    {
        string? why = WriteFence.Get(system).SteppedBack is { } steppedBack ? $"this node stepped back ({steppedBack})"
            : !replica.IsSynced ? "this node has not yet synced the cluster's routes and upstreams" : null;
        if (why is null) return null;
        response.Headers.RetryAfter = "1";
        return Problem(StatusCodes.Status503ServiceUnavailable, "Not in sync", why + "; ask again shortly or ask another node");
    }

    private static async Task<IResult> PutAsync(HttpContext context, IActorRef region, DefinitionKind kind, string key, AdminApiSettings settings)
    {
        if (!TryReadIfMatch(context.Request, out var expected)) return BadIfMatch();
        // Kestrel's body limit is lifted for proxied traffic; a definition is small.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes;

        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException ex)
        {
            return Invalid([new ValidationError("", $"the body is not valid JSON: {ex.Message}")]);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"a definition may be at most {MaxBodyBytes} bytes");
        }
        if (node is not JsonObject body) return Invalid([new ValidationError("", "the body must be a JSON object")]);

        // The key comes from the URL; a key in the body must say the same.
        var keyInBody = body.FirstOrDefault(p => string.Equals(p.Key, kind.KeyField, StringComparison.OrdinalIgnoreCase));
        if (keyInBody.Key is null) body[kind.KeyField] = key;
        else if (keyInBody.Value is not JsonValue v || !v.TryGetValue<string>(out var inBody) || inBody != key)
            return Invalid([new ValidationError(kind.KeyField, $"must match the URL ('{key}') or be left out")]);

        var reader = new DefinitionReader(kebabCase: false);
        var definition = kind.Read(reader, body);
        if (reader.Errors.Count > 0 || definition is null) return Invalid(reader.Errors);
        // Auth policies are node config: a route may only name one this node has.
        if (definition is Gateway.Protocol.Routing.RouteDefinition route && context.RequestServices.GetService<Gateway.Actors.Security.NodeSecurity>() is { } security
            && Gateway.Protocol.Security.AuthPolicies.CheckReferences([route], security.HasPolicy) is { Count: > 0 } authErrors)
            return Invalid(authErrors);

        var reply = await AskAsync(region, kind.Upsert(definition, expected), settings, context.RequestAborted);
        switch (reply)
        {
            case RouteAccepted or UpstreamAccepted:
                var (json, version) = DefinitionKind.Describe(reply);
                await AwaitPropagationAsync(context, kind.EntityKey(key), version, settings);
                context.Response.Headers.ETag = ETag(version);
                var created = reply is RouteAccepted { Created: true } or UpstreamAccepted { Created: true };
                if (created) context.Response.Headers.Location = $"/admin/{kind.Plural}/{Uri.EscapeDataString(key)}";
                return Results.Text(json.ToJsonString(), "application/json", statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
            default:
                return Refused(kind, key, reply);
        }
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, IActorRef region, DefinitionKind kind, string key, AdminApiSettings settings)
    {
        if (!TryReadIfMatch(context.Request, out var expected)) return BadIfMatch();
        var reply = await AskAsync(region, kind.Delete(key, expected), settings, context.RequestAborted);
        if (reply is not DefinitionDeleted deleted) return Refused(kind, key, reply);
        await AwaitPropagationAsync(context, kind.EntityKey(key), deleted.Version, settings);
        return Results.NoContent();
    }

    // The command carries its deadline; the owner drops it unapplied once the deadline has passed, so no answer by then
    // (plus the grace an owner that passed the check needs to say so) means it was not and will not be applied. An owner
    // that passed the check says so at once (CommandInProgress) and is then waited for as long as its store takes (up to
    // the ask timeout): a slow journal delays the answer but never turns an applied change into a 503.
    private static async Task<ICommandReply?> AskAsync(IActorRef region, IWithEntityKey command, AdminApiSettings settings, CancellationToken aborted)
    {
        var deadline = DateTimeOffset.UtcNow + settings.WriteDeadline;
        var id = Guid.NewGuid();
        ICommandReply? first = null;
        try
        {
            first = await region.Ask<ICommandReply>(DefinitionKind.WithDeadline(command, deadline.ToUnixTimeMilliseconds(), id),
                settings.WriteDeadline + AdminApiSettings.AnswerGrace, aborted);
        }
        catch (AskTimeoutException)
        {
        }
        if (first is not (null or CommandInProgress)) return first;
        // No answer yet: an owner that never got it, or got it too late, answers "not applied"; an unreachable owner does
        // not answer, and then the command is not applied either unless it passed the deadline check before the owner
        // became unreachable. An owner storing it answers once stored (the query queues behind the command).
        var wait = first is CommandInProgress ? settings.AskTimeout : AdminApiSettings.OutcomeWait;
        try
        {
            return await region.Ask<ICommandReply>(new GetCommandOutcome(command.EntityKey, id), wait, aborted);
        }
        catch (AskTimeoutException)
        {
            return first;
        }
    }

    /// <summary>
    /// Waits (up to the propagation timeout) until every reachable Up member serves <paramref name="entityKey"/> at
    /// <paramref name="version"/> or later, and reports how many did in <c>Gateway-Propagated: served/reachable</c>.
    /// A member that does not answer an <see cref="Identify"/> within <see cref="AdminApiSettings.PeerLiveness"/> is
    /// not waited for: in the seconds after a node dies or freezes, before the failure detector marks it unreachable,
    /// it still counts as reachable, and waiting the full timeout for it would slow every write by that much.
    /// </summary>
    private static async Task AwaitPropagationAsync(HttpContext context, string entityKey, long version, AdminApiSettings settings)
    {
        var system = context.RequestServices.GetRequiredService<ActorSystem>();
        var state = Cluster.Get(system).State;
        var members = state.Members.Where(m => m.Status == MemberStatus.Up && !state.Unreachable.Contains(m)).ToList();
        var served = 0;
        if (settings.PropagationTimeout > TimeSpan.Zero)
        {
            var request = new AwaitDefinitionServed(entityKey, version);
            var aborted = context.RequestAborted;
            var answers = members.Select(async member =>
            {
                var replica = RouteReplicaActor.On(system, member.Address);
                var servedTask = replica.Ask<DefinitionServed>(request, settings.PropagationTimeout, aborted);
                if (!await IsAliveAsync(replica, settings.PeerLiveness, aborted) && !servedTask.IsCompletedSuccessfully)
                {
                    // No sign of life within the liveness bound: count it as not served and do not wait for it.
                    _ = servedTask.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                    return 0;
                }
                try
                {
                    await servedTask;
                    return 1;
                }
                catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
                {
                    return 0;
                }
            });
            served = (await Task.WhenAll(answers)).Sum();
        }
        context.Response.Headers["Gateway-Propagated"] = $"{served}/{members.Count}";
    }

    // A killed node's selection answers Identify at once with no subject (its messages go to dead letters); a frozen
    // one does not answer: both are not alive.
    private static async Task<bool> IsAliveAsync(ActorSelection replica, TimeSpan within, CancellationToken aborted)
    {
        try
        {
            return (await replica.Ask<ActorIdentity>(new Identify(null), within, aborted)).Subject is not null;
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            return false;
        }
    }

    private static IResult Refused(DefinitionKind kind, string key, ICommandReply? reply) => reply switch
    {
        CommandInProgress => Problem(StatusCodes.Status504GatewayTimeout, "Outcome unknown",
            $"the owner of {kind.KeyField} '{key}' began storing the change but did not confirm it in time; read it back before sending it again"),
        null => NotApplied($"the owner of {kind.KeyField} '{key}' did not apply the change before its deadline; it will not be applied, send it again"),
        CommandNotApplied notApplied => NotApplied($"the change to {kind.KeyField} '{key}' was not applied and will not be: {notApplied.Reason}; send it again"),
        ValidationRejected rejected => Invalid(rejected.Errors),
        VersionConflict conflict => Problem(StatusCodes.Status412PreconditionFailed, "Version mismatch",
            $"If-Match does not match: {kind.KeyField} '{key}' is at version {conflict.CurrentVersion}"),
        DefinitionNotFound => NotFound(kind, key),
        UpstreamInUse inUse => Problem(StatusCodes.Status409Conflict, "Upstream in use",
            $"upstream '{inUse.Name}' is used by route(s) {string.Join(", ", inUse.RouteIds.Select(r => $"'{r}'"))}; delete or move them first"),
        _ => Problem(StatusCodes.Status500InternalServerError, "Unexpected reply", reply.GetType().Name),
    };


    /// <summary>Reads <c>If-Match: "N"</c> (also unquoted or weak); absent or <c>*</c> means no expectation.</summary>
    internal static bool TryReadIfMatch(HttpRequest request, out long? expected)
    {
        expected = null;
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*") return true;
        if (header.StartsWith("W/", StringComparison.Ordinal)) header = header[2..];
        if (long.TryParse(header.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            expected = version;
            return true;
        }
        return false;
    }

    private static string ETag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    private static IResult BadIfMatch() =>
        Problem(StatusCodes.Status400BadRequest, "Invalid If-Match", "If-Match must be one ETag as returned by this API, e.g. \"3\"");

    private static IResult NotFound(DefinitionKind kind, string key) =>
        Problem(StatusCodes.Status404NotFound, "Not found", $"{kind.KeyField} '{key}' does not exist in {kind.Plural}");

    private static IResult Invalid(IEnumerable<ValidationError> errors) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid definition",
            detail: "the definition has errors; each names its field",
            extensions: new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToArray() });

    // A 503 that promises the change is not applied: the client may send it again after Retry-After.
    private static IResult NotApplied(string detail) => new RetryAfterResult(Problem(StatusCodes.Status503ServiceUnavailable, "Not applied", detail));

    private sealed class RetryAfterResult(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = "1";
            return inner.ExecuteAsync(httpContext);
        }
    }

    private static IResult Problem(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);
}
