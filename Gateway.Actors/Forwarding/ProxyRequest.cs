using Gateway.Actors.Routing;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Actors.Forwarding;

/// <summary>
/// One client request on its way upstream: its place in the upstream's admission pipeline and the transform that
/// shapes the outgoing request and the returned response. One object per request carries both, so the hot path
/// allocates it once.
/// </summary>
public sealed class ProxyRequest : HttpTransformer
{
    // Admission completes on the stream's thread; the request must go on on the pool, not on the stream actor.
    private readonly TaskCompletionSource<bool> _admitted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private UpstreamPipeline? _admittedBy;
    private bool _mayRetry;
    private long _retryDeadline = long.MaxValue;
    private CancellationTokenRegistration _abortRegistration;

    internal ProxyRequest(HttpContext context, CompiledRoute route, string destinationPath, string requestId, string traceParent)
    {
        Context = context;
        Route = route;
        DestinationPath = destinationPath;
        RequestId = requestId;
        TraceParent = traceParent;
    }

    /// <summary>The client's request.</summary>
    public HttpContext Context { get; }

    /// <summary>The route it matched.</summary>
    public CompiledRoute Route { get; }

    /// <summary>Path sent upstream after the route's rewrite.</summary>
    public string DestinationPath { get; }

    /// <summary>Request id passed on or generated.</summary>
    public string RequestId { get; }

    /// <summary>W3C traceparent passed on or started.</summary>
    public string TraceParent { get; }

    /// <summary>The traceparent sent on the current try: the upstream span's when tracing is on, else <see cref="TraceParent"/>.</summary>
    public string? OutgoingTraceParent { get; internal set; }

    /// <summary>The response cache's part in this request (cached routes only), or null.</summary>
    public Caching.CacheFill? Cache { get; internal init; }

    /// <summary>The endpoint of the last try, for the access log.</summary>
    public Upstreams.EndpointState? Endpoint { get; internal set; }

    /// <summary>Called by the pipeline when it grants a slot; false when the client already left (the slot is not taken).</summary>
    internal bool Admit(UpstreamPipeline pipeline)
    {
        Volatile.Write(ref _admittedBy, pipeline);
        if (_admitted.TrySetResult(true)) return true;
        // The client left first. Take the slot back, unless a concurrent Finish already released it.
        return Interlocked.CompareExchange(ref _admittedBy, null, pipeline) != pipeline;
    }

    /// <summary>Waits for admission; false when the client went away first (the slot, if later granted, is handed straight back).</summary>
    /// <remarks>No async state machine: the abort registration completes the same task, and <see cref="Finish"/> disposes it.</remarks>
    internal Task<bool> WaitForAdmissionAsync(CancellationToken aborted)
    {
        if (!_admitted.Task.IsCompleted && aborted.CanBeCanceled)
            _abortRegistration = aborted.UnsafeRegister(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(false), _admitted);
        return _admitted.Task;
    }

    /// <summary>Gives the in-flight slot back to the pipeline.</summary>
    internal void Finish()
    {
        _abortRegistration.Dispose();
        Interlocked.Exchange(ref _admittedBy, null)?.Release();
    }

    /// <inheritdoc />
    public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        var copied = base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        if (!copied.IsCompletedSuccessfully) return Await(copied, httpContext, proxyRequest, destinationPrefix);
        Shape(httpContext, proxyRequest, destinationPrefix);
        return ValueTask.CompletedTask;
    }

    /// <summary>Status of the upstream's answer to the current try (0 when none came).</summary>
    public int UpstreamStatus { get; private set; }

    /// <summary>True when the current try's 502/503/504 was held back from the client so the request can be retried.</summary>
    public bool RetryRequested { get; private set; }

    /// <summary>Starts a try; with <paramref name="mayRetry"/>, a 502/503/504 answer is held back for a retry if the budget allows.</summary>
    internal void BeginTry(bool mayRetry, long retryDeadline = long.MaxValue)
    {
        _mayRetry = mayRetry;
        _retryDeadline = retryDeadline;
        RetryRequested = false;
        UpstreamStatus = 0;
    }

    /// <inheritdoc />
    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        UpstreamStatus = proxyResponse is null ? 0 : (int)proxyResponse.StatusCode;
        if (_mayRetry && UpstreamStatus is 502 or 503 or 504 && System.Diagnostics.Stopwatch.GetTimestamp() < _retryDeadline
            && Route.Upstream.RetryBudget.TryRetry())
        {
            // Nothing is copied: the client never sees this answer, and the handler tries another endpoint.
            RetryRequested = true;
            return ValueTask.FromResult(false);
        }

        if (Cache is { } fill && !fill.OnResponse(proxyResponse)) return fill.ServeRefreshedAsync(httpContext);
        var copied = base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var headers = httpContext.Response.Headers;
        headers["X-Request-Id"] = RequestId;
        Route.ResponseHeaders.Apply(headers);
        Cache?.OnHeadersCopied(headers);
        // The gateway's CORS answer, not the upstream's (the headers copied above may carry its own).
        Route.Security?.Cors?.ApplyToResponse(httpContext);
        return copied;
    }

    /// <inheritdoc />
    public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken)
    {
        // Called only once the whole body was copied: what the cache captured is complete.
        Cache?.OnBodyComplete();
        return base.TransformResponseTrailersAsync(httpContext, proxyResponse, cancellationToken);
    }

    private async ValueTask Await(ValueTask copied, HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix)
    {
        await copied.ConfigureAwait(false);
        Shape(httpContext, proxyRequest, destinationPrefix);
    }

    private void Shape(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix)
    {
        var request = httpContext.Request;
        proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, new PathString(DestinationPath), request.QueryString);

        var headers = proxyRequest.Headers;
        // The upstream is addressed by its own name; the client's host travels in X-Forwarded-Host.
        headers.Host = null;
        var remote = httpContext.Connection.RemoteIpAddress;
        if (remote is not null)
        {
            var client = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4().ToString() : remote.ToString();
            var prior = request.Headers["X-Forwarded-For"];
            headers.Remove("X-Forwarded-For");
            headers.TryAddWithoutValidation("X-Forwarded-For", prior.Count == 0 ? client : $"{prior}, {client}");
        }
        headers.Remove("X-Forwarded-Proto");
        headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        headers.Remove("X-Forwarded-Host");
        if (request.Host.HasValue) headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
        headers.Remove("X-Request-Id");
        headers.TryAddWithoutValidation("X-Request-Id", RequestId);
        headers.Remove("traceparent");
        headers.TryAddWithoutValidation("traceparent", OutgoingTraceParent ?? TraceParent);
        Route.RequestHeaders.Apply(proxyRequest);
        Cache?.ShapeRequest(headers);
    }
}
