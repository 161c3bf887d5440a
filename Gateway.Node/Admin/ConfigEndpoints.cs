using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.DistributedData;
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
/// The admin API for routes and upstreams. Reads come from this node's replica of the replicated sets; writes go to the
/// owning sharded entity (an <c>Ask</c> with the configured timeout: this is the HTTP edge), which validates and versions.
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
            admin.MapGet($"/{kind.Plural}", (ActorSystem system) => ListAsync(system, kind, settings));
            admin.MapGet($"/{kind.Plural}/{{key}}", (string key, ActorSystem system, HttpResponse response) => GetAsync(system, kind, key, response, settings));
            admin.MapPut($"/{kind.Plural}/{{key}}", (string key, HttpContext context, IRequiredActor<ConfigEntitiesKey> region) =>
                PutAsync(context, region.ActorRef, kind, key, settings));
            admin.MapDelete($"/{kind.Plural}/{{key}}", (string key, HttpContext context, IRequiredActor<ConfigEntitiesKey> region) =>
                DeleteAsync(context, region.ActorRef, kind, key, settings));
        }
    }

    private static async Task<IResult> ListAsync(ActorSystem system, DefinitionKind kind, AdminApiSettings settings)
    {
        var data = await ReadReplicaAsync(system, kind, settings);
        var list = new JsonArray();
        foreach (var (_, json) in data.Entries.OrderBy(e => e.Key, StringComparer.Ordinal)) list.Add(JsonNode.Parse(json));
        return Results.Text(list.ToJsonString(), "application/json");
    }

    private static async Task<IResult> GetAsync(ActorSystem system, DefinitionKind kind, string key, HttpResponse response, AdminApiSettings settings)
    {
        var data = await ReadReplicaAsync(system, kind, settings);
        if (!data.TryGetValue(key, out var json)) return NotFound(kind, key);
        var body = JsonNode.Parse(json)!;
        response.Headers.ETag = ETag(body["version"]?.GetValue<long>() ?? 0);
        return Results.Text(json, "application/json");
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
        return reply is DefinitionDeleted ? Results.NoContent() : Refused(kind, key, reply);
    }

    private static async Task<ICommandReply?> AskAsync(IActorRef region, IWithEntityKey command, AdminApiSettings settings, CancellationToken aborted)
    {
        try
        {
            return await region.Ask<ICommandReply>(command, settings.AskTimeout, aborted);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    private static IResult Refused(DefinitionKind kind, string key, ICommandReply? reply) => reply switch
    {
        null => Problem(StatusCodes.Status503ServiceUnavailable, "No answer in time",
            $"the owner of {kind.KeyField} '{key}' did not answer in time; the change may still be applied, read it back before retrying"),
        ValidationRejected rejected => Invalid(rejected.Errors),
        VersionConflict conflict => Problem(StatusCodes.Status412PreconditionFailed, "Version mismatch",
            $"If-Match does not match: {kind.KeyField} '{key}' is at version {conflict.CurrentVersion}"),
        DefinitionNotFound => NotFound(kind, key),
        UpstreamInUse inUse => Problem(StatusCodes.Status409Conflict, "Upstream in use",
            $"upstream '{inUse.Name}' is used by route(s) {string.Join(", ", inUse.RouteIds.Select(r => $"'{r}'"))}; delete or move them first"),
        _ => Problem(StatusCodes.Status500InternalServerError, "Unexpected reply", reply.GetType().Name),
    };

    private static async Task<LWWDictionary<string, string>> ReadReplicaAsync(ActorSystem system, DefinitionKind kind, AdminApiSettings settings)
    {
        var replicator = DistributedData.Get(system).Replicator;
        var response = await replicator.Ask<IGetResponse>(Dsl.Get(kind.ReplicatedKey, ReadLocal.Instance), settings.AskTimeout);
        return response.IsSuccessful ? response.Get(kind.ReplicatedKey) : LWWDictionary<string, string>.Empty;
    }

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

    private static IResult Problem(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);
}
