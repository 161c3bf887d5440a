using System.Diagnostics;
using System.Net.Http;
using System.Runtime.CompilerServices;
using Gateway.Actors.Chain;
using Gateway.Actors.Observability;
using Gateway.Actors.Upstreams;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Actors.Forwarding;

/// <summary>
/// The last step of every route's chain: admission on the upstream's pipeline (at once on a free slot, else queued, else
/// shed), endpoint choice, and the forward through YARP's <see cref="IHttpForwarder"/> with retries.
/// </summary>
/// <remarks>
/// A try that failed before the request was sent (connection refused, name or TLS failure) is retried on another
/// endpoint for any method, outside the retry budget: the upstream never saw it. Other retries (idempotent methods
/// without a body, 502/503/504 or a failed send) follow the upstream's retry policy and budget.
/// </remarks>
internal sealed partial class ForwardStep : IRequestStep
{
    private readonly ForwardingServices _services;
    private readonly string _routeId;
    private readonly long? _maxRequestBodySize;

    /// <summary>Prepares the forward of route <paramref name="routeId"/> to <paramref name="upstream"/>.</summary>
    public ForwardStep(string routeId, UpstreamRuntime upstream, ForwarderRequestConfig config, CompiledHeaderTransforms requestHeaders,
        CompiledHeaderTransforms responseHeaders, long? maxRequestBodySize, ForwardingServices services)
    {
        _routeId = routeId;
        Upstream = upstream;
        Config = config;
        RequestHeaders = requestHeaders;
        ResponseHeaders = responseHeaders;
        _maxRequestBodySize = maxRequestBodySize;
        _services = services;
        NoEndpointDetail = $"all {upstream.Endpoints.Length} endpoints of upstream '{upstream.Name}' are open or unhealthy";
        ShedDetail = $"upstream '{upstream.Name}' has {upstream.Pipeline.MaxInFlight} requests in flight and {upstream.Pipeline.MaxQueued} queued; retry later";
        FailedDetail = $"upstream '{upstream.Name}' refused or reset the connection";
    }

    /// <summary>The upstream.</summary>
    public UpstreamRuntime Upstream { get; }

    /// <summary>Per-request forwarder settings.</summary>
    public ForwarderRequestConfig Config { get; }

    /// <summary>The route's request header transforms.</summary>
    public CompiledHeaderTransforms RequestHeaders { get; }

    /// <summary>The route's response header transforms.</summary>
    public CompiledHeaderTransforms ResponseHeaders { get; }

    private string NoEndpointDetail { get; }

    private string ShedDetail { get; }

    private string FailedDetail { get; }

    /// <inheritdoc />
    public ValueTask<StepOutcome> InvokeAsync(RequestContext context, StepDelegate next)
    {
        var http = context.Http;
        context.TraceParent ??= RequestIdentity.TraceParent(http.Request);
        var proxy = ProxyRequest.Rent(context, this);
        var admission = Upstream.Pipeline.TryAdmit(proxy);
        if (admission == Admission.Shed)
        {
            proxy.Return();
            return new(StepOutcome.Shed(ShedDetail, Upstream.RetryAfterSeconds));
        }
        return ForwardAsync(proxy, admission == Admission.Queued);
    }

    // The slot goes back, and the pooled request too: nothing refers to it any more.
    private static StepOutcome Done(ProxyRequest proxy, Activity? ingressSpan, StepOutcome outcome)
    {
        proxy.Finish();
        var http = proxy.Context.Http;
        if (outcome.Kind == OutcomeKind.Answered && http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted) outcome = StepOutcome.ClientGone;
        ingressSpan?.SetTag("http.response.status_code", outcome.Status);
        proxy.Return();
        return outcome;
    }

    // One async method, so one state machine per request, for the wait in the queue and every try; pooled, as a forward
    // always completes asynchronously. Every return of an admitted request goes through Done.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<StepOutcome> ForwardAsync(ProxyRequest proxy, bool queued)
    {
        var ctx = proxy.Context;
        var context = ctx.Http;
        using var ingressSpan = StartIngressSpan(ctx);
        if (queued && !await proxy.WaitForAdmissionAsync(context.RequestAborted).ConfigureAwait(false))
        {
            // The client went away while queued: nothing to answer, and the slot is handed straight back. The request
            // may still sit in the queue, so it is not pooled again.
            proxy.Finish();
            return StepOutcome.ClientGone;
        }

        try
        {
            var upstream = Upstream;
            var retry = upstream.Retry;
            var retriable = retry.Attempts > 1 && retry.Methods.Contains(context.Request.Method) && HasNoBody(context.Request);
            upstream.RetryBudget.OnRequest();
            // No retry starts past the overall timeout, whichever try is running then.
            var retryDeadline = Stopwatch.GetTimestamp() + (long)(retry.OverallTimeout.TotalSeconds * Stopwatch.Frequency);

            EndpointState? previous = null;
            var policyTries = 0;
            // Consistent hashing: the request's key, hashed once for every try (null: no key, or another balancing mode).
            var key = upstream.HashKey?.Hash(context);
            for (var attempt = 1; ; attempt++)
            {
                var endpoint = Acquire(upstream, previous, proxy.Tried, untriedOnly: false, key, out var ticket);
                if (endpoint is null)
                    // Every endpoint is open or unhealthy: answer at once rather than try a connection known to fail.
                    return Done(proxy, ingressSpan, StepOutcome.Problem(StatusCodes.Status503ServiceUnavailable, "No upstream endpoint available", NoEndpointDetail, upstream.RetryAfterSeconds));

                var mayRetry = retriable && policyTries + 1 < retry.Attempts;
                proxy.BeginTry(mayRetry, retryDeadline);
                proxy.Tried |= Bit(upstream, endpoint);
                ctx.Endpoint = endpoint.DestinationPrefix;
                ForwarderError error;
                using var span = GatewayTracing.Source.HasListeners() ? GatewayTracing.Source.StartActivity("upstream", ActivityKind.Client) : null;
                if (span is not null)
                {
                    span.SetTag("server.address", endpoint.DestinationPrefix);
                    span.SetTag("gateway.attempt", attempt);
                    proxy.OutgoingTraceParent = GatewayTracing.TraceParentOf(span);
                }
                endpoint.Enter();
                var result = EndpointOutcome.Abandoned;
                try
                {
                    error = await _services.Forwarder.SendAsync(context, endpoint.DestinationPrefix, upstream.Client, Config, proxy).ConfigureAwait(false);
                    result = error == ForwarderError.None
                        ? proxy.UpstreamStatus >= 500 ? EndpointOutcome.Failed : EndpointOutcome.Succeeded
                        : IsClientSide(error) ? EndpointOutcome.Abandoned : EndpointOutcome.Failed;
                }
                finally
                {
                    endpoint.Exit(ticket, result);
                }
                span?.SetTag("http.response.status_code", proxy.UpstreamStatus);
                if (error != ForwarderError.None) span?.SetStatus(ActivityStatusCode.Error, error.ToString());

                var exception = error == ForwarderError.None ? null : context.Features.Get<IForwarderErrorFeature>()?.Exception;
                if (result == EndpointOutcome.Failed && error != ForwarderError.None)
                    _services.Failures.Record(upstream.Name, endpoint.DestinationPrefix, error, exception, ctx.RequestId);

                // Never sent (connection refused...): another endpoint that was not tried yet, for any method, outside the budget.
                var neverSent = error == ForwarderError.Request && !context.Response.HasStarted && IsNeverSent(exception)
                    && Stopwatch.GetTimestamp() < retryDeadline && Acquire(upstream, endpoint, proxy.Tried, untriedOnly: true, key, out _) is not null;
                // A 502/503/504 held back by the transform, or a send that failed before any response byte went out.
                var again = neverSent || proxy.RetryRequested
                    || mayRetry && error == ForwarderError.Request && !context.Response.HasStarted
                        && Stopwatch.GetTimestamp() < retryDeadline && upstream.RetryBudget.TryRetry();
                if (!again) return Done(proxy, ingressSpan, error == ForwarderError.None ? StepOutcome.Answered(context.Response.StatusCode) : Failed(proxy, error, exception));

                LogRetry(_services.Log, _routeId, endpoint.DestinationPrefix, attempt, error, proxy.UpstreamStatus, ctx.RequestId);
                GatewayMetrics.Retries.WithLabels(upstream.Name).Inc();
                context.Response.Clear();
                previous = endpoint;
                if (neverSent) continue; // nothing reached the upstream: no backoff, and no try of the policy spent
                policyTries++;
                try
                {
                    await Task.Delay(retry.JitteredBackoff(), context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return Done(proxy, ingressSpan, StepOutcome.ClientGone);
                }
            }
        }
        catch
        {
            proxy.Finish();
            throw;
        }
    }

    // Another request may take the last half-open trial between the pick and the claim: pick again, a few times.
    // With untriedOnly, only endpoints this request has not tried; otherwise a tried one is a last resort.
    private static EndpointState? Acquire(UpstreamRuntime upstream, EndpointState? previous, ulong tried, bool untriedOnly, ulong? key, out EndpointTicket ticket)
    {
        ticket = default;
        var endpoints = upstream.Endpoints;
        for (var i = 0; i < 3; i++)
        {
            var endpoint = key is { } hash && upstream.Balancer is LoadBalancing.IKeyedLoadBalancer keyed
                ? keyed.Pick(endpoints, hash, previous)
                : upstream.Balancer.Pick(endpoints, previous);
            if (endpoint is not null && (tried & Bit(upstream, endpoint)) != 0)
            {
                // The balancer excludes only the last endpoint: look for one this request has not tried.
                endpoint = null;
                foreach (var candidate in endpoints)
                {
                    if ((tried & Bit(upstream, candidate)) == 0 && candidate.IsAvailable)
                    {
                        endpoint = candidate;
                        break;
                    }
                }
            }
            if (endpoint is null && !untriedOnly && previous is not null) endpoint = upstream.Balancer.Pick(endpoints);
            if (endpoint is null) return null;
            if (untriedOnly) return endpoint; // only asked whether one exists; the retry claims it
            if (endpoint.TryAcquire(out ticket)) return endpoint;
        }
        return null;
    }

    private static ulong Bit(UpstreamRuntime upstream, EndpointState endpoint)
    {
        var index = Array.IndexOf(upstream.Endpoints, endpoint);
        return index is >= 0 and < 64 ? 1UL << index : 0;
    }

    // The connection was never made: the upstream saw nothing of the request, so any method may go elsewhere.
    private static bool IsNeverSent(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError })
                return true;
        }
        return false;
    }

    private StepOutcome Failed(ProxyRequest proxy, ForwarderError error, Exception? exception)
    {
        var context = proxy.Context.Http;
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
            return context.Response.HasStarted ? StepOutcome.Answered(context.Response.StatusCode) : StepOutcome.ClientGone;
        return error switch
        {
            ForwarderError.RequestTimedOut => StepOutcome.Problem(StatusCodes.Status504GatewayTimeout, "Upstream timed out",
                $"upstream '{Upstream.Name}' did not answer within {Config.ActivityTimeout?.TotalSeconds:0.###}s"),
            ForwarderError.RequestBodyClient when IsBodyTooLarge(exception) =>
                StepOutcome.Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large",
                    $"route '{_routeId}' accepts bodies up to {_maxRequestBodySize} bytes"),
            ForwarderError.RequestBodyClient => StepOutcome.Problem(StatusCodes.Status400BadRequest, "Bad request body",
                "the request body could not be read from the client"),
            _ => StepOutcome.Problem(StatusCodes.Status502BadGateway, "Bad gateway", $"{FailedDetail} ({error})"),
        };
    }

    private static bool IsBodyTooLarge(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }) return true;
        }
        return false;
    }

    private static bool HasNoBody(HttpRequest request) =>
        request.ContentLength is null or 0 && !request.Headers.ContainsKey("Transfer-Encoding");

    private static bool IsClientSide(ForwarderError error) => error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
        or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
        or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseCanceled
        or ForwarderError.UpgradeResponseClient;

    private Activity? StartIngressSpan(RequestContext context)
    {
        if (!GatewayTracing.Source.HasListeners()) return null;
        ActivityContext.TryParse(context.TraceParent, null, isRemote: true, out var parent);
        var span = GatewayTracing.Source.StartActivity("ingress", ActivityKind.Server, parent);
        if (span is null) return null;
        var request = context.Http.Request;
        span.SetTag("http.request.method", request.Method);
        span.SetTag("url.path", request.Path.Value);
        span.SetTag("gateway.route", _routeId);
        span.SetTag("gateway.upstream", Upstream.Name);
        return span;
    }
}
