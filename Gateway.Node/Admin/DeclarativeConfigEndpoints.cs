using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Gateway.Actors.ConfigStore;
using Gateway.Actors.Ops;
using Gateway.Protocol.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Node.Admin;

/// <summary>
/// Declarative config over HTTP, as <c>pbm gateway config dump|diff|sync</c>: <c>GET /admin/config</c> (the dump),
/// <c>POST /admin/config/diff</c> and <c>POST /admin/config/sync?prune=true&amp;dryRun=true</c> with a file as the body.
/// The decisions are <see cref="ConfigSync"/>'s; this only reads requests and writes answers.
/// </summary>
public static class DeclarativeConfigEndpoints
{
    private const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Maps the three endpoints on <paramref name="host"/> behind the admin token.</summary>
    public static void MapDeclarativeConfigApi(this IEndpointRouteBuilder endpoints, string host, AdminApiSettings settings)
    {
        var config = endpoints.MapGroup("/admin/config").RequireHost(host).AddEndpointFilter(new AdminAuthFilter(settings.Token));
        config.MapGet("", async (HttpContext context, ActorSystem system, string? format) =>
        {
            var current = await ConfigSync.ReadClusterAsync(system, settings.AskTimeout, context.RequestAborted);
            return WantsHocon(context.Request, format)
                ? Results.Text(DefinitionHocon.Write(current), "application/hocon; charset=utf-8")
                : Results.Text(DefinitionHocon.ToJsonDocument(current).ToJsonString(), "application/json");
        });
        config.MapPost("/diff", async (HttpContext context, ActorSystem system) =>
        {
            var (name, text, tooLarge) = await ReadBodyAsync(context);
            if (tooLarge is not null) return tooLarge;
            var current = await ConfigSync.ReadClusterAsync(system, settings.AskTimeout, context.RequestAborted);
            var report = ConfigSync.Diff(current, name, text, prune: false);
            return report.Errors.IsEmpty ? Results.Text(Body(report, false, false).ToJsonString(), "application/json") : Invalid(report);
        });
        config.MapPost("/sync", async (HttpContext context, ActorSystem system, IRequiredActor<ConfigEntitiesKey> region, bool? prune, bool? dryRun) =>
        {
            var (name, text, tooLarge) = await ReadBodyAsync(context);
            if (tooLarge is not null) return tooLarge;
            var current = await ConfigSync.ReadClusterAsync(system, settings.AskTimeout, context.RequestAborted);
            var report = ConfigSync.Diff(current, name, text, prune ?? false);
            if (!report.Errors.IsEmpty) return Invalid(report);
            if (dryRun != true) report = await ConfigSync.ApplyAsync(region.ActorRef, report, settings.AskTimeout, context.RequestAborted);
            var body = Body(report, dryRun == true, prune == true);
            if (report.Stopped is null) return Results.Text(body.ToJsonString(), "application/json");
            // The steps before the stop were applied: the problem lists them beside the reason.
            return Results.Problem(statusCode: report.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity,
                title: report.Conflict ? "Changed since the diff" : "Sync stopped", detail: report.Stopped,
                extensions: new Dictionary<string, object?> { ["applied"] = body["applied"] });
        });
    }

    // HOCON for ?format=hocon or an Accept that names HOCON or plain text; JSON otherwise.
    private static bool WantsHocon(HttpRequest request, string? format) =>
        string.Equals(format, "hocon", StringComparison.OrdinalIgnoreCase)
        || (format is null && request.Headers.Accept.ToString() is var accept && (accept.Contains("hocon", StringComparison.OrdinalIgnoreCase) || accept.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase)));

    // The body is a file: JSON with a JSON content type, otherwise HOCON (which reads JSON objects as well).
    private static async Task<(string Name, string Text, IResult? TooLarge)> ReadBodyAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes;
        try
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync(context.RequestAborted);
            var json = context.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;
            return (json ? "body.json" : "body.conf", text, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ("", "", Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large", detail: $"a config file may be at most {MaxBodyBytes} bytes"));
        }
    }

    private static JsonObject Body(ConfigSyncReport report, bool dryRun, bool prune)
    {
        var changes = new JsonArray();
        foreach (var c in report.Changes) changes.Add(Change(c));
        var planned = new JsonArray();
        foreach (var c in report.Plan) planned.Add(Change(c));
        var applied = new JsonArray();
        foreach (var s in report.Steps)
        {
            var step = Change(s.Change);
            step["result"] = s.Result;
            step["version"] = s.Version;
            applied.Add(step);
        }
        return new JsonObject
        {
            ["equal"] = report.Changes.IsEmpty,
            ["dryRun"] = dryRun,
            ["prune"] = prune,
            ["changes"] = changes,
            ["planned"] = planned,
            ["applied"] = applied,
            ["lines"] = new JsonArray([.. report.Changes.Select(c => (JsonNode?)JsonValue.Create(c.Line))]),
        };
    }

    private static JsonObject Change(DefinitionChange change) => new()
    {
        ["action"] = change.ActionName,
        ["kind"] = change.Kind,
        ["name"] = change.Key,
        ["fields"] = new JsonArray([.. change.Fields.Select(f => (JsonNode?)JsonValue.Create(f))]),
        ["currentVersion"] = change.CurrentVersion,
    };

    private static IResult Invalid(ConfigSyncReport report) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid config file",
            detail: "the file has errors; each names its field; nothing was compared or applied",
            extensions: new Dictionary<string, object?> { ["errors"] = report.Errors.Select(e => new { field = e.Field, message = e.Message }).ToArray() });
}
