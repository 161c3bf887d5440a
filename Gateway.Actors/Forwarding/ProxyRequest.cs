using System.Diagnostics;
using System.Net;
using Gateway.Actors.Chain;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.ObjectPool;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Actors.Forwarding;

/// <summary>
/// One client request on its way upstream: its place in the upstream's admission pipeline and the transform that
/// shapes the outgoing request and the returned response. Pooled: rented by the forward step, reset on return.
/// </summary>
internal sealed class ProxyRequest : HttpTransformer
{
    private static readonly ObjectPool<ProxyRequest> Pool = new DefaultObjectPool<ProxyRequest>(new Policy(), 4096);
    private static readonly Task<bool> Admitted = Task.FromResult(true);

    // Created only when the request has to queue: admission then completes on the stream's thread, and the request
    // must go on on the pool, not on the stream actor.
    private TaskCompletionSource<bool>? _admitted;
    private UpstreamPipeline? _admittedBy;
    private bool _mayRetry;
    private long _retryDeadline = long.MaxValue;
    private CancellationTokenRegistration _abortRegistration;
    private IPAddress? _lastRemote;
    private string? _lastClient;
    private Uri? _lastUri;
    private string? _lastPrefix;
    private string? _lastDestination;
    private string? _lastQuery;

    /// <summary>The request in the chain.</summary>
    public RequestContext Context { get; private set; } = null!;

    /// <summary>The route's forward step: upstream and transforms.</summary>
    public ForwardStep Step { get; private set; } = null!;

    /// <summary>The traceparent sent on the current try: the upstream span's when tracing is on, else the request's.</summary>
    public string? OutgoingTraceParent { get; set; }

    /// <summary>Endpoints tried so far (bit i: endpoint i), so a retry of a request never sent goes elsewhere.</summary>
    public ulong Tried { get; set; }

    /// <summary>Status of the upstream's answer to the current try (0 when none came).</summary>
    public int UpstreamStatus { get; private set; }

    /// <summary>True when the current try's 502/503/504 was held back from the client so the request can be retried.</summary>
    public bool RetryRequested { get; private set; }

    /// <summary>A pooled request for <paramref name="context"/> on <paramref name="step"/>.</summary>
    public static ProxyRequest Rent(RequestContext context, ForwardStep step)
    {
        var request = Pool.Get();
        request.Context = context;
        request.Step = step;
        return request;
    }

    /// <summary>Gives a finished request back to the pool; never one that may still sit in a pipeline's queue.</summary>
    public void Return() => Pool.Return(this);

    /// <summary>Queues for admission: the completion the pipeline's graph will set.</summary>
    internal void PrepareToQueue() => _admitted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Admitted at once on a free slot, without queueing.</summary>
    internal void AdmitDirectly(UpstreamPipeline pipeline) => _admittedBy = pipeline;

    /// <summary>Called by the pipeline when it grants a slot; false when the client already left (the slot is not taken).</summary>
    internal bool Admit(UpstreamPipeline pipeline)
    {
        Volatile.Write(ref _admittedBy, pipeline);
        if (_admitted is null || _admitted.TrySetResult(true)) return true;
        // The client left first. Take the slot back, unless a concurrent Finish already released it.
        return Interlocked.CompareExchange(ref _admittedBy, null, pipeline) != pipeline;
    }

    /// <summary>Waits for admission; false when the client went away first (the slot, if later granted, is handed straight back).</summary>
    /// <remarks>No async state machine: the abort registration completes the same task, and <see cref="Finish"/> disposes it.</remarks>
    internal Task<bool> WaitForAdmissionAsync(CancellationToken aborted)
    {
        if (_admitted is null) return Admitted;
        if (!_admitted.Task.IsCompleted && aborted.CanBeCanceled)
            _abortRegistration = aborted.UnsafeRegister(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(false), _admitted);
        return _admitted.Task;
    }

    /// <summary>Gives the in-flight slot back to the pipeline.</summary>
    internal void Finish()
    {
        _abortRegistration.Dispose();
        _abortRegistration = default;
        Interlocked.Exchange(ref _admittedBy, null)?.Release();
    }

    /// <summary>Starts a try; with <paramref name="mayRetry"/>, a 502/503/504 answer is held back for a retry if the budget allows.</summary>
    internal void BeginTry(bool mayRetry, long retryDeadline = long.MaxValue)
    {
        _mayRetry = mayRetry;
        _retryDeadline = retryDeadline;
        RetryRequested = false;
        UpstreamStatus = 0;
    }

    /// <inheritdoc />
    public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        var copied = base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        if (!copied.IsCompletedSuccessfully) return Await(copied, httpContext, proxyRequest, destinationPrefix);
        Shape(httpContext, proxyRequest, destinationPrefix);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        UpstreamStatus = proxyResponse is null ? 0 : (int)proxyResponse.StatusCode;
        if (_mayRetry && UpstreamStatus is 502 or 503 or 504 && Stopwatch.GetTimestamp() < _retryDeadline
            && Step.Upstream.RetryBudget.TryRetry())
        {
            // Nothing is copied: the client never sees this answer, and the step tries another endpoint.
            RetryRequested = true;
            return ValueTask.FromResult(false);
        }

        // Innermost first, as a response travels back through an onion: the step nearest the forward may answer instead
        // (the cache's stale entry for an upstream 5xx comes before the route's fallback, which wraps it).
        var hooks = Context.Hooks;
        for (var i = hooks.Length - 1; i >= 0; i--)
        {
            var hook = hooks[i]!;
            if (!hook.OnResponse(proxyResponse)) return hook.ServeInsteadAsync(httpContext);
        }
        var copied = base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var headers = httpContext.Response.Headers;
        headers["X-Request-Id"] = Context.RequestId;
        Step.ResponseHeaders.Apply(headers);
        // e.g. the gateway's CORS answer over the upstream's, the cache's label.
        foreach (var hook in Context.Hooks) hook!.OnResponseHeaders(httpContext);
        return copied;
    }

    /// <inheritdoc />
    public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken)
    {
        // Called only once the whole body was copied: what the cache captured is complete.
        foreach (var hook in Context.Hooks) hook!.OnBodyComplete();
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
        proxyRequest.RequestUri = DestinationUri(destinationPrefix, request.QueryString);

        var headers = proxyRequest.Headers;
        // The upstream is addressed by its own name; the client's host travels in X-Forwarded-Host.
        headers.Host = null;
        var remote = httpContext.Connection.RemoteIpAddress;
        if (remote is not null)
        {
            var client = ClientAddress(remote);
            var prior = request.Headers["X-Forwarded-For"];
            headers.Remove("X-Forwarded-For");
            headers.TryAddWithoutValidation("X-Forwarded-For", prior.Count == 0 ? client : $"{prior}, {client}");
        }
        headers.Remove("X-Forwarded-Proto");
        headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        headers.Remove("X-Forwarded-Host");
        if (request.Host.HasValue) headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
        headers.Remove("X-Request-Id");
        headers.TryAddWithoutValidation("X-Request-Id", Context.RequestId);
        headers.Remove("traceparent");
        headers.TryAddWithoutValidation("traceparent", OutgoingTraceParent ?? Context.TraceParent);
        Step.RequestHeaders.Apply(proxyRequest);
        foreach (var hook in Context.Hooks) hook!.OnRequest(headers);
    }

    // The pooled object remembers the last destination it built: a request for the same endpoint, path and query (the
    // common case under load) reuses its Uri, which is immutable, instead of concatenating and parsing a new one.
    private Uri DestinationUri(string destinationPrefix, QueryString query)
    {
        var destination = Context.Destination;
        if (_lastUri is not null && ReferenceEquals(destinationPrefix, _lastPrefix)
            && string.Equals(destination, _lastDestination, StringComparison.Ordinal) && string.Equals(query.Value, _lastQuery, StringComparison.Ordinal))
            return _lastUri;
        _lastUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, new PathString(destination), query);
        _lastPrefix = destinationPrefix;
        _lastDestination = destination;
        _lastQuery = query.Value;
        return _lastUri;
    }

    // The pooled object remembers the last client's text form: a busy client's next request formats nothing.
    private string ClientAddress(IPAddress remote)
    {
        if (_lastClient is not null && remote.Equals(_lastRemote)) return _lastClient;
        _lastRemote = remote;
        return _lastClient = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4().ToString() : remote.ToString();
    }

    private void Reset()
    {
        _admitted = null;
        _admittedBy = null;
        _mayRetry = false;
        _retryDeadline = long.MaxValue;
        _abortRegistration = default;
        Context = null!;
        Step = null!;
        OutgoingTraceParent = null;
        Tried = 0;
        UpstreamStatus = 0;
        RetryRequested = false;
    }

    private sealed class Policy : IPooledObjectPolicy<ProxyRequest>
    {
        public ProxyRequest Create() => new();

        public bool Return(ProxyRequest obj)
        {
            obj.Reset();
            return true;
        }
    }
}
