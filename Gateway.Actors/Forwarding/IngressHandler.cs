using System.Diagnostics;
using Gateway.Actors.Observability;
using Gateway.Actors.Routing;
using Gateway.Actors.Upstreams;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Actors.Forwarding;

/// <summary>
/// The hot path: match the request against the current route table, queue it on its upstream's pipeline (or shed it),
/// and once admitted forward it through YARP's <see cref="IHttpForwarder"/>. No actor message and no Ask per request.
/// </summary>
public sealed partial class IngressHandler
{
    private const int MaxCaptures = 32;

    private readonly RouteTableHolder _table;
    private readonly IHttpForwarder _forwarder;
    private readonly ILogger<IngressHandler> _log;
    private readonly IAccessLog _accessLog;
    private readonly Caching.ResponseCache? _cache;
    private readonly Security.HeaderStripper? _strip;

    /// <summary>Creates the handler over the node's route table, with the node's response cache and security settings.</summary>
    public IngressHandler(RouteTableHolder table, IHttpForwarder forwarder, ILogger<IngressHandler> log, IAccessLog accessLog,
        Caching.ResponseCache? cache = null, Security.NodeSecurity? security = null)
    {
        _cache = cache;
        _strip = security?.Strip is { IsEmpty: false } strip ? strip : null;
        _table = table;
        _forwarder = forwarder;
        _log = log;
        _accessLog = accessLog;
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
        if (Security.PathGuard.EscapesRoot(context)) return PathEscapesRootAsync(context, start);
        _strip?.Apply(request.Headers);
        var table = _table.Current;
        Span<Range> captures = table.MaxCaptureCount <= MaxCaptures ? stackalloc Range[MaxCaptures] : new Range[table.MaxCaptureCount];
        var result = table.TryMatch(request.Host.Host, request.Method, path, captures, out var match);
        if (result == RouteLookupResult.MethodNotAllowed && Security.CorsPreflight.Find(table, context, path) is { } preflight) return SecuredAsync(context, preflight, path, "", start);
        if (result != RouteLookupResult.Matched) return NotMatchedAsync(context, table, result, path, start);

        var route = match.Value;
        if (!route.Definition.AllowEncodedSlashes && HasEncodedSlash(path))
            return RejectAsync(context, route, StatusCodes.Status400BadRequest, "Encoded slash in path",
                $"route '{route.Id}' does not accept an encoded '/' (%2F) or a backslash in the path", start);
        if (route.Definition.MaxRequestBodySize is { } maxBody)
        {
            if (request.ContentLength > maxBody)
                return RejectAsync(context, route, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                    $"route '{route.Id}' accepts bodies up to {maxBody} bytes; this one declares {request.ContentLength}", start);
            // A chunked body is cut off by Kestrel when it passes the limit.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBody;
        }
        var destination = route.Rewriter.Rewrite(path, captures[..match.CaptureCount]);
        if (route.Security is not null) return SecuredAsync(context, route, path, destination, start);
        return AdmitAsync(context, route, path, destination, start);
    }

    // Rate limit, then the cache, then the upstream's queue: after the security chain, so a limit may key on the
    // authenticated identity and a cached response is served only to a request that passed it.
    private Task AdmitAsync(HttpContext context, CompiledRoute route, string path, string destination, long start)
    {
        if (route.RateLimiter?.TryAdmit(context) is { } retryAfter) return RateLimitedAsync(context, route, retryAfter, start);
        if (route.Cache is { } cache && _cache is not null) return _cache.HandleAsync(this, context, route, cache, path, destination, start);
        return ProxyAsync(context, route, destination, start, null);
    }

    /// <summary>Queues the request on its upstream's pipeline (or sheds it) and forwards it once admitted.</summary>
    internal Task ProxyAsync(HttpContext context, CompiledRoute route, string destination, long start, Caching.CacheFill? cache)
    {
        var request = context.Request;
        var proxy = new ProxyRequest(context, route, destination, RequestIdentity.RequestId(request), RequestIdentity.TraceParent(request)) { Cache = cache };
        if (!route.Upstream.Pipeline.TryEnqueue(proxy)) return ShedAsync(proxy, start);
        return ForwardAsync(proxy, start);
    }

    /// <summary>Records a request answered without the upstream (a cache hit): metrics and access log.</summary>
    internal void RecordServed(HttpContext context, CompiledRoute route, int status, long start)
    {
        route.Metrics.Record(status, start);
        if (_accessLog.ShouldLog()) WriteAccess(context, route.Id, null, status, start, RequestIdentity.RequestId(context.Request), null);
    }

    private async Task ForwardAsync(ProxyRequest proxy, long start)
    {
        var context = proxy.Context;
        var route = proxy.Route;
        using var span = StartIngressSpan(proxy);
        if (!await proxy.WaitForAdmissionAsync(context.RequestAborted).ConfigureAwait(false))
        {
            // The client went away while queued: nothing to answer, and the slot is handed straight back.
            proxy.Finish();
            route.Metrics.Record(499, start);
            return;
        }

        var status = 0;
        try
        {
            await ForwardWithRetriesAsync(proxy).ConfigureAwait(false);
        }
        finally
        {
            proxy.Finish();
            status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode;
            route.Metrics.Record(status, start);
            span?.SetTag("http.response.status_code", status);
            if (_accessLog.ShouldLog()) WriteAccess(context, route.Id, proxy.Endpoint?.DestinationPrefix, status, start, proxy.RequestId, proxy.TraceParent);
        }
    }

    private static bool IsBodyTooLarge(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }) return true;
        }
        return false;
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

    private Task RejectAsync(HttpContext context, CompiledRoute route, int status, string title, string detail, long start)
    {
        var requestId = RequestIdentity.RequestId(context.Request);
        route.Metrics.Record(status, start);
        if (_accessLog.ShouldLog()) WriteAccess(context, route.Id, null, status, start, requestId, null);
        return Problems.WriteAsync(context, status, title, detail, requestId);
    }

    private static Activity? StartIngressSpan(ProxyRequest proxy)
    {
        if (!GatewayTracing.Source.HasListeners()) return null;
        ActivityContext.TryParse(proxy.TraceParent, null, isRemote: true, out var parent);
        var span = GatewayTracing.Source.StartActivity("ingress", ActivityKind.Server, parent);
        if (span is null) return null;
        var request = proxy.Context.Request;
        span.SetTag("http.request.method", request.Method);
        span.SetTag("url.path", request.Path.Value);
        span.SetTag("gateway.route", proxy.Route.Id);
        span.SetTag("gateway.upstream", proxy.Route.Upstream.Name);
        return span;
    }

    private void WriteAccess(HttpContext context, string? routeId, string? endpoint, int status, long start, string requestId, string? traceParent)
    {
        var request = context.Request;
        _accessLog.Write(new AccessLogEntry(
            request.Method, request.Path.Value ?? "", routeId, endpoint, status, request.ContentLength, context.Response.ContentLength,
            Stopwatch.GetElapsedTime(start).TotalMilliseconds, requestId,
            traceParent is not null && traceParent.Length == 55 ? RequestIdentity.TraceId(traceParent) : null,
            context.Connection.RemoteIpAddress?.ToString()));
    }

    private async Task ForwardWithRetriesAsync(ProxyRequest proxy)
    {
        var context = proxy.Context;
        var route = proxy.Route;
        var upstream = route.Upstream;
        var retry = upstream.Retry;
        var retriable = retry.Attempts > 1 && retry.Methods.Contains(context.Request.Method) && HasNoBody(context.Request);
        upstream.RetryBudget.OnRequest();
        // No retry starts past the overall timeout, whichever try is running then.
        var retryDeadline = Stopwatch.GetTimestamp() + (long)(retry.OverallTimeout.TotalSeconds * Stopwatch.Frequency);

        EndpointState? previous = null;
        for (var attempt = 1; ; attempt++)
        {
            var endpoint = Acquire(upstream, previous, out var ticket);
            if (endpoint is null)
            {
                // Every endpoint is open or unhealthy: answer at once rather than try a connection known to fail.
                context.Response.Headers.RetryAfter = upstream.RetryAfterSeconds;
                await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "No upstream endpoint available",
                    $"all {upstream.Endpoints.Length} endpoints of upstream '{upstream.Name}' are open or unhealthy", proxy.RequestId,
                    RequestIdentity.TraceId(proxy.TraceParent)).ConfigureAwait(false);
                return;
            }

            var mayRetry = retriable && attempt < retry.Attempts;
            proxy.BeginTry(mayRetry, retryDeadline);
            proxy.Endpoint = endpoint;
            ForwarderError error;
            using var span = GatewayTracing.Source.HasListeners() ? GatewayTracing.Source.StartActivity("upstream", ActivityKind.Client) : null;
            if (span is not null)
            {
                span.SetTag("server.address", endpoint.DestinationPrefix);
                span.SetTag("gateway.attempt", attempt);
                proxy.OutgoingTraceParent = GatewayTracing.TraceParentOf(span);
            }
            endpoint.Enter();
            var outcome = EndpointOutcome.Abandoned;
            try
            {
                error = await _forwarder.SendAsync(context, endpoint.DestinationPrefix, upstream.Client, route.ForwarderConfig, proxy).ConfigureAwait(false);
                outcome = error == ForwarderError.None
                    ? proxy.UpstreamStatus >= 500 ? EndpointOutcome.Failed : EndpointOutcome.Succeeded
                    : IsClientSide(error) ? EndpointOutcome.Abandoned : EndpointOutcome.Failed;
            }
            finally
            {
                endpoint.Exit(ticket, outcome);
            }
            span?.SetTag("http.response.status_code", proxy.UpstreamStatus);
            if (error != ForwarderError.None) span?.SetStatus(ActivityStatusCode.Error, error.ToString());

            // A 502/503/504 held back by the transform, or a send that failed before any response byte went out.
            var again = proxy.RetryRequested
                || mayRetry && error == ForwarderError.Request && !context.Response.HasStarted
                    && Stopwatch.GetTimestamp() < retryDeadline && upstream.RetryBudget.TryRetry();
            if (!again)
            {
                if (error != ForwarderError.None) await ForwardFailedAsync(proxy, endpoint, error).ConfigureAwait(false);
                return;
            }

            LogRetry(_log, route.Id, endpoint.DestinationPrefix, attempt, error, proxy.UpstreamStatus, proxy.RequestId);
            GatewayMetrics.Retries.WithLabels(upstream.Name).Inc();
            context.Response.Clear();
            previous = endpoint;
            try
            {
                await Task.Delay(retry.JitteredBackoff(), context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static EndpointState? Acquire(UpstreamRuntime upstream, EndpointState? previous, out EndpointTicket ticket)
    {
        ticket = default;
        // Another request may take the last half-open trial between the pick and the claim: pick again, a few times.
        for (var i = 0; i < 3; i++)
        {
            var endpoint = upstream.Balancer.Pick(upstream.Endpoints, previous) ?? (previous is not null ? upstream.Balancer.Pick(upstream.Endpoints) : null);
            if (endpoint is null) return null;
            if (endpoint.TryAcquire(out ticket)) return endpoint;
        }
        return null;
    }

    private static bool HasNoBody(HttpRequest request) =>
        request.ContentLength is null or 0 && !request.Headers.ContainsKey("Transfer-Encoding");

    private static bool IsClientSide(ForwarderError error) => error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
        or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
        or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseCanceled
        or ForwarderError.UpgradeResponseClient;

    private Task ForwardFailedAsync(ProxyRequest proxy, EndpointState endpoint, ForwarderError error)
    {
        var context = proxy.Context;
        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        LogForwardFailed(_log, proxy.Route.Id, endpoint.DestinationPrefix, error, proxy.RequestId, exception?.Message);
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested) return Task.CompletedTask;

        var traceId = RequestIdentity.TraceId(proxy.TraceParent);
        var upstream = proxy.Route.Upstream.Name;
        return error switch
        {
            ForwarderError.RequestTimedOut => Problems.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "Upstream timed out",
                $"upstream '{upstream}' did not answer within {proxy.Route.ForwarderConfig.ActivityTimeout?.TotalSeconds:0.###}s", proxy.RequestId, traceId),
            ForwarderError.RequestBodyClient when IsBodyTooLarge(exception) =>
                Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                    $"route '{proxy.Route.Id}' accepts bodies up to {proxy.Route.Definition.MaxRequestBodySize} bytes", proxy.RequestId, traceId),
            ForwarderError.RequestBodyClient => Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request body",
                "the request body could not be read from the client", proxy.RequestId, traceId),
            _ => Problems.WriteAsync(context, StatusCodes.Status502BadGateway, "Bad gateway",
                $"upstream '{upstream}' refused or reset the connection ({error})", proxy.RequestId, traceId),
        };
    }

    private Task ShedAsync(ProxyRequest proxy, long start)
    {
        var context = proxy.Context;
        var upstream = proxy.Route.Upstream;
        GatewayMetrics.Shed.WithLabels(upstream.Name).Inc();
        context.Response.Headers.RetryAfter = upstream.RetryAfterSeconds;
        var write = Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Upstream at capacity",
            $"upstream '{upstream.Name}' has {upstream.Pipeline.MaxInFlight} requests in flight and {upstream.Pipeline.MaxQueued} queued; retry later",
            proxy.RequestId, RequestIdentity.TraceId(proxy.TraceParent));
        proxy.Route.Metrics.Record(StatusCodes.Status503ServiceUnavailable, start);
        if (_accessLog.ShouldLog()) WriteAccess(context, proxy.Route.Id, null, StatusCodes.Status503ServiceUnavailable, start, proxy.RequestId, proxy.TraceParent);
        return write;
    }

    private Task RateLimitedAsync(HttpContext context, CompiledRoute route, string retryAfter, long start)
    {
        GatewayMetrics.RateLimited.WithLabels(route.Id).Inc();
        context.Response.Headers.RetryAfter = retryAfter;
        var limit = route.RateLimiter!.Definition;
        var requestId = RequestIdentity.RequestId(context.Request);
        var write = Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"route '{route.Id}' allows {limit.Limit} requests per {limit.Period.TotalSeconds:0.###}s per {limit.Key}; retry in {retryAfter}s",
            requestId);
        route.Metrics.Record(StatusCodes.Status429TooManyRequests, start);
        if (_accessLog.ShouldLog()) WriteAccess(context, route.Id, null, StatusCodes.Status429TooManyRequests, start, requestId, null);
        return write;
    }

    private Task NotMatchedAsync(HttpContext context, RouteTable<CompiledRoute> table, RouteLookupResult result, string path, long start)
    {
        var request = context.Request;
        var requestId = RequestIdentity.RequestId(request);
        if (_accessLog.ShouldLog())
            WriteAccess(context, null, null, result == RouteLookupResult.MethodNotAllowed ? 405 : 404, start, requestId, null);
        if (result == RouteLookupResult.MethodNotAllowed)
        {
            GatewayMetrics.Unmatched.WithLabels("405").Inc();
            context.Response.Headers.Allow = string.Join(", ", table.GetAllowedMethods(request.Host.Host, path));
            return Problems.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "Method not allowed",
                $"no route for {request.Method} {path}", requestId);
        }

        GatewayMetrics.Unmatched.WithLabels("404").Inc();
        return Problems.WriteAsync(context, StatusCodes.Status404NotFound, "No route",
            $"no route matches {request.Method} {request.Host.Value}{path}", requestId);
    }
}
