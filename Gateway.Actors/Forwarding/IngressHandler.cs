using System.Diagnostics;
using Gateway.Actors.Routing;
using Gateway.Actors.Upstreams;
using Microsoft.AspNetCore.Http;
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

    /// <summary>Creates the handler over the node's route table.</summary>
    public IngressHandler(RouteTableHolder table, IHttpForwarder forwarder, ILogger<IngressHandler> log)
    {
        _table = table;
        _forwarder = forwarder;
        _log = log;
    }

    /// <summary>Handles one ingress request end to end.</summary>
    public Task HandleAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        var request = context.Request;
        var path = request.Path.Value ?? "";
        var table = _table.Current;
        Span<Range> captures = table.MaxCaptureCount <= MaxCaptures ? stackalloc Range[MaxCaptures] : new Range[table.MaxCaptureCount];
        var result = table.TryMatch(request.Host.Host, request.Method, path, captures, out var match);
        if (result != RouteLookupResult.Matched) return NotMatchedAsync(context, table, result, path);

        var route = match.Value;
        if (route.RateLimiter?.TryAdmit(context) is { } retryAfter) return RateLimitedAsync(context, route, retryAfter, start);
        var destination = route.Rewriter.Rewrite(path, captures[..match.CaptureCount]);
        var proxy = new ProxyRequest(context, route, destination, RequestIdentity.RequestId(request), RequestIdentity.TraceParent(request));
        var upstream = route.Upstream;
        if (!upstream.Pipeline.TryEnqueue(proxy)) return ShedAsync(proxy, start);
        return ForwardAsync(proxy, start);
    }

    private async Task ForwardAsync(ProxyRequest proxy, long start)
    {
        var context = proxy.Context;
        var route = proxy.Route;
        if (!await proxy.WaitForAdmissionAsync(context.RequestAborted).ConfigureAwait(false))
        {
            // The client went away while queued: nothing to answer, and the slot is handed straight back.
            proxy.Finish();
            route.Metrics.Record(499, start);
            return;
        }

        try
        {
            await ForwardWithRetriesAsync(proxy).ConfigureAwait(false);
        }
        finally
        {
            proxy.Finish();
            route.Metrics.Record(context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode, start);
        }
    }

    private async Task ForwardWithRetriesAsync(ProxyRequest proxy)
    {
        var context = proxy.Context;
        var route = proxy.Route;
        var upstream = route.Upstream;
        var retry = upstream.Retry;
        var retriable = retry.Attempts > 1 && retry.Methods.Contains(context.Request.Method) && HasNoBody(context.Request);
        upstream.RetryBudget.OnRequest();

        EndpointState? previous = null;
        for (var attempt = 1; ; attempt++)
        {
            var endpoint = Acquire(upstream, previous);
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
            proxy.BeginTry(mayRetry);
            ForwarderError error;
            endpoint.Enter();
            try
            {
                error = await _forwarder.SendAsync(context, endpoint.DestinationPrefix, upstream.Client, route.ForwarderConfig, proxy).ConfigureAwait(false);
            }
            finally
            {
                endpoint.Exit();
            }

            var upstreamFailed = error == ForwarderError.None ? proxy.UpstreamStatus >= 500 : !IsClientSide(error);
            if (upstreamFailed) endpoint.RecordFailure(upstream.Breaker.ConsecutiveFailures);
            else if (error == ForwarderError.None) endpoint.RecordSuccess();

            // A 502/503/504 held back by the transform, or a send that failed before any response byte went out.
            var again = proxy.RetryRequested
                || mayRetry && error == ForwarderError.Request && !context.Response.HasStarted && upstream.RetryBudget.TryRetry();
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

    private static EndpointState? Acquire(UpstreamRuntime upstream, EndpointState? previous)
    {
        // Another request may take the last half-open trial between the pick and the claim: pick again, a few times.
        for (var i = 0; i < 3; i++)
        {
            var endpoint = upstream.Balancer.Pick(upstream.Endpoints, previous) ?? (previous is not null ? upstream.Balancer.Pick(upstream.Endpoints) : null);
            if (endpoint is null) return null;
            if (endpoint.TryAcquire()) return endpoint;
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
            ForwarderError.RequestBodyClient => Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request body",
                "the request body could not be read from the client", proxy.RequestId, traceId),
            _ => Problems.WriteAsync(context, StatusCodes.Status502BadGateway, "Bad gateway",
                $"upstream '{upstream}' refused or reset the connection ({error})", proxy.RequestId, traceId),
        };
    }

    private static Task ShedAsync(ProxyRequest proxy, long start)
    {
        var context = proxy.Context;
        var upstream = proxy.Route.Upstream;
        GatewayMetrics.Shed.WithLabels(upstream.Name).Inc();
        context.Response.Headers.RetryAfter = upstream.RetryAfterSeconds;
        var write = Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Upstream at capacity",
            $"upstream '{upstream.Name}' has {upstream.Pipeline.MaxInFlight} requests in flight and {upstream.Pipeline.MaxQueued} queued; retry later",
            proxy.RequestId, RequestIdentity.TraceId(proxy.TraceParent));
        proxy.Route.Metrics.Record(StatusCodes.Status503ServiceUnavailable, start);
        return write;
    }

    private static Task RateLimitedAsync(HttpContext context, CompiledRoute route, string retryAfter, long start)
    {
        GatewayMetrics.RateLimited.WithLabels(route.Id).Inc();
        context.Response.Headers.RetryAfter = retryAfter;
        var limit = route.RateLimiter!.Definition;
        var write = Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"route '{route.Id}' allows {limit.Limit} requests per {limit.Period.TotalSeconds:0.###}s per {limit.Key}; retry in {retryAfter}s",
            RequestIdentity.RequestId(context.Request));
        route.Metrics.Record(StatusCodes.Status429TooManyRequests, start);
        return write;
    }

    private static Task NotMatchedAsync(HttpContext context, RouteTable<CompiledRoute> table, RouteLookupResult result, string path)
    {
        var request = context.Request;
        var requestId = RequestIdentity.RequestId(request);
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
