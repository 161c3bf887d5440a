using System.Diagnostics;
using Gateway.Actors.Chain;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Observability;
using Gateway.Actors.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.ObjectPool;

namespace Gateway.Actors.Ingress;

/// <summary>
/// The hot path's entry: match the request against the current route table, apply the route's path guards, run the
/// route's compiled step chain on a pooled <see cref="RequestContext"/>, and have the <see cref="OutcomeRenderer"/>
/// turn its outcome into metrics, the access log and (for a refusal) the problem response. No actor message and no Ask
/// per request.
/// </summary>
internal sealed class IngressHandler
{
    private const int MaxCaptures = 32;

    private readonly ObjectPool<RequestContext> _contexts = new DefaultObjectPool<RequestContext>(new ContextPolicy(), 4096);
    private readonly RouteTableHolder _table;
    private readonly OutcomeRenderer _renderer;
    private readonly Security.HeaderStripper? _strip;

    /// <summary>Creates the handler over the node's route table, access log and security settings.</summary>
    public IngressHandler(RouteTableHolder table, IAccessLog accessLog, Security.NodeSecurity? security = null)
    {
        _strip = security?.Strip is { IsEmpty: false } strip ? strip : null;
        _table = table;
        _renderer = new OutcomeRenderer(accessLog);
    }

    /// <summary>Handles one ingress request end to end.</summary>
    public Task HandleAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        var request = context.Request;
        var path = request.Path.Value ?? "";
        // Kestrel has already resolved dot segments; runs of slashes are folded here, so "/a//b" is routed and
        // forwarded as "/a/b" and never reaches an upstream that would read it differently.
        if (path.Contains("//", StringComparison.Ordinal)) path = CollapseSlashes(path);
        if (Security.PathGuard.EscapesRoot(context))
            return RefuseAsync(context, null, path, start, StepOutcome.Problem(StatusCodes.Status400BadRequest, "Path escapes the root",
                "the request path's dot segments climb above '/'"));
        _strip?.Apply(request.Headers);
        var table = _table.Current;
        Span<Range> captures = table.MaxCaptureCount <= MaxCaptures ? stackalloc Range[MaxCaptures] : new Range[table.MaxCaptureCount];
        var result = table.TryMatch(HostOf(request), request.Method, path, request, captures, out var match);
        if (result == RouteLookupResult.MethodNotAllowed && FindPreflightRoute(table, context, path) is { } preflight)
            return RunAsync(preflight, Rent(context, path, "", start));
        if (result != RouteLookupResult.Matched) return NotMatchedAsync(context, table, result, path, start);

        var route = match.Value;
        if (!route.Definition.AllowEncodedSlashes && HasEncodedSlash(path))
            return RefuseAsync(context, route, path, start, StepOutcome.Problem(StatusCodes.Status400BadRequest, "Encoded slash in path",
                $"route '{route.Id}' does not accept an encoded '/' (%2F) or a backslash in the path"));
        if (route.Definition.MaxRequestBodySize is { } maxBody)
        {
            if (request.ContentLength > maxBody)
                return RefuseAsync(context, route, path, start, StepOutcome.Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large",
                    $"route '{route.Id}' accepts bodies up to {maxBody} bytes; this one declares {request.ContentLength}"));
            // A chunked body is cut off by Kestrel when it passes the limit.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBody;
        }
        var destination = route.Rewriter.Rewrite(path, captures[..match.CaptureCount]);
        return RunAsync(route, Rent(context, path, destination, start));
    }

    private async Task RunAsync(CompiledRoute route, RequestContext context)
    {
        try
        {
            var outcome = await route.Chain(context).ConfigureAwait(false);
            await _renderer.RenderAsync(context, route, outcome).ConfigureAwait(false);
        }
        finally
        {
            _contexts.Return(context);
        }
    }

    private RequestContext Rent(HttpContext http, string path, string destination, long start)
    {
        var context = _contexts.Get();
        context.Init(http, path, destination, RequestIdentity.RequestId(http.Request), start);
        return context;
    }

    private Task RefuseAsync(HttpContext http, CompiledRoute? route, string path, long start, StepOutcome outcome)
    {
        var context = Rent(http, path, "", start);
        try
        {
            return _renderer.RenderAsync(context, route, outcome);
        }
        finally
        {
            // The problem body is written from a buffer that holds no reference to the context.
            _contexts.Return(context);
        }
    }

    private Task NotMatchedAsync(HttpContext context, RouteTable<CompiledRoute> table, RouteLookupResult result, string path, long start)
    {
        var request = context.Request;
        if (result == RouteLookupResult.MethodNotAllowed)
        {
            context.Response.Headers.Allow = string.Join(", ", table.GetAllowedMethods(request.Host.Host, path));
            return RefuseAsync(context, null, path, start, StepOutcome.Problem(StatusCodes.Status405MethodNotAllowed, "Method not allowed",
                $"no route for {request.Method} {path}"));
        }
        return RefuseAsync(context, null, path, start, StepOutcome.Problem(StatusCodes.Status404NotFound, "No route",
            $"no route matches {request.Method} {request.Host.Value}{path}"));
    }

    // A CORS preflight for a route that does not take OPTIONS itself asks for another method
    // (Access-Control-Request-Method): it is matched as that method would be, and answered by the route's CORS step.
    private static CompiledRoute? FindPreflightRoute(RouteTable<CompiledRoute> table, HttpContext context, string path)
    {
        var request = context.Request;
        if (!Security.CorsPolicy.IsPreflight(request)) return null;
        Span<Range> captures = stackalloc Range[Math.Max(1, table.MaxCaptureCount)];
        var method = request.Headers.AccessControlRequestMethod.ToString();
        return table.TryMatch(request.Host.Host, method, path, request, captures, out var match) == RouteLookupResult.Matched
            && match.Value.HasCors ? match.Value : null;
    }

    // The Host header without its port. Each thread remembers the last header value it split: Kestrel hands a connection's
    // unchanged Host value back as the same string, so a busy client's next request allocates no host string.
    [ThreadStatic] private static string? _lastHostHeader;
    [ThreadStatic] private static string? _lastHost;

    private static string HostOf(HttpRequest request)
    {
        var header = request.Host.Value;
        if (header is not null && _lastHost is not null && string.Equals(header, _lastHostHeader, StringComparison.Ordinal)) return _lastHost;
        var host = request.Host.Host;
        _lastHostHeader = header;
        _lastHost = host;
        return host;
    }

    private static bool HasEncodedSlash(string path) =>
        path.Contains('\\') || path.Contains("%2F", StringComparison.OrdinalIgnoreCase);

    private static string CollapseSlashes(string path)
    {
        var builder = new System.Text.StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (c == '/' && builder.Length > 0 && builder[^1] == '/') continue;
            builder.Append(c);
        }
        return builder.ToString();
    }

    private sealed class ContextPolicy : IPooledObjectPolicy<RequestContext>
    {
        public RequestContext Create() => new();

        public bool Return(RequestContext obj)
        {
            obj.Reset();
            return true;
        }
    }
}
