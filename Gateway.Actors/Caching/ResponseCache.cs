using System.Collections.Concurrent;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Chain;
using Gateway.Protocol.Caching;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Gateway.Actors.Caching;

/// <summary>
/// The node's response cache on the request path of routes that have one: L1 lookup in this node's memory, collapsing
/// of concurrent misses for one key into one upstream request, the L2 lookup at the key's owner in the cluster, and the
/// fill of both levels from what the upstream sends. Routes without a cache never reach it.
/// </summary>
public sealed class ResponseCache : IDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FlightResult>> _flights = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private volatile ICacheCluster? _cluster;

    /// <summary>Creates the node's cache with <paramref name="settings"/>, reading time from <paramref name="time"/>.</summary>
    public ResponseCache(CacheSettings settings, TimeProvider time)
    {
        Settings = settings;
        _time = time;
        L1 = new CacheStore(settings.L1SizeLimit, settings.L1MaxEntries, settings.StaleRetention);
        L2 = new CacheStore(settings.L2SizeLimit, settings.L2MaxEntries, settings.StaleRetention);
    }

    /// <summary>The settings.</summary>
    public CacheSettings Settings { get; }

    /// <summary>This node's L1 store.</summary>
    public CacheStore L1 { get; }

    /// <summary>The store of the L2 entries this node owns (filled and read by its cache entities).</summary>
    public CacheStore L2 { get; }

    /// <summary>The cache's clock.</summary>
    public TimeProvider Time => _time;

    private readonly RecentPurges _purges = new();

    /// <summary>Now, on the cache's clock.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Connects the L2 level once the cache region runs; until then every L1 miss goes upstream.</summary>
    public void AttachCluster(ICacheCluster cluster) => _cluster = cluster;

    /// <summary>Removes what <paramref name="purge"/> selects from this node's L1 and L2 stores; returns how many entries went from each.</summary>
    public (int L1, int L2) PurgeLocal(PurgeCache purge)
    {
        _purges.Add(purge, Now);
        return (L1.Purge(purge), L2.Purge(purge));
    }

    /// <summary>
    /// Runs the cache for a request on a route whose cache is <paramref name="cache"/>: answers from L1 or L2, collapses
    /// concurrent misses, or calls <paramref name="next"/> (the rest of the route's chain) with a fill hooked on the forward.
    /// </summary>
    internal async ValueTask<StepOutcome> HandleAsync(RequestContext ctx, CompiledCache cache, CompiledHeaderTransforms responseHeaders, StepDelegate next)
    {
        var context = ctx.Http;
        var path = ctx.Path;
        var request = context.Request;
        var headers = request.Headers;
        var mode = CachePolicy.ForRequest(request.Method, headers.CacheControl, headers.Pragma, headers.ContainsKey(HeaderNames.Range));
        if (mode == RequestCacheMode.Bypass)
        {
            cache.Count(CacheResults.Bypass);
            return await ForwardAsync(ctx, CacheFill.PassThrough(CacheResults.Bypass), next).ConfigureAwait(false);
        }

        if (cache.BaseKey(context, path) is not { } key)
        {
            // An authenticated route keys its entries by identity; a request without one is never served nor stored.
            cache.Count(CacheResults.Bypass);
            return await ForwardAsync(ctx, CacheFill.PassThrough(CacheResults.Bypass), next).ConfigureAwait(false);
        }
        CachedResponse? stale = null;
        if (mode == RequestCacheMode.Lookup)
        {
            if (L1.Lookup(key, headers) is { } stored)
            {
                if (CachePolicy.IsFresh(stored, Now))
                {
                    return await ServeAsync(ctx, cache, responseHeaders, stored, CacheResults.Hit).ConfigureAwait(false);
                }
                if (stored.HasValidator) stale = stored;
            }
        }

        // A HEAD miss is forwarded as it is; only GET responses (with their bodies) are stored.
        if (HttpMethods.IsHead(request.Method))
        {
            cache.Count(CacheResults.Miss);
            return await ForwardAsync(ctx, CacheFill.PassThrough(CacheResults.Miss), next).ConfigureAwait(false);
        }

        var flightKey = L1.RuleOf(key) is { } rule ? CacheKeys.Variant(key, rule.Headers, headers) : key;
        var flight = NewFlight();
        var leader = mode == RequestCacheMode.Refresh ? flight : _flights.GetOrAdd(flightKey, flight);
        if (!ReferenceEquals(leader, flight))
        {
            return await FollowAsync(ctx, responseHeaders, next, cache, key, flightKey, leader).ConfigureAwait(false);
        }
        return await LeadAsync(ctx, responseHeaders, next, cache, key, flightKey, flight, stale, mode).ConfigureAwait(false);
    }

    /// <summary>Stores a response fetched or refreshed here: in L1, and with its owner in the cluster when the route shares it.</summary>
    internal void Store(CompiledCache route, string baseKey, CachedResponse response, IHeaderDictionary requestHeaders)
    {
        L1.Store(baseKey, response, requestHeaders, CachePolicy.StaleIfErrorWindow(response, route.Definition.StaleIfError));
        CacheMetrics.Stored.Inc();
        // A response varying on a credential is never sent: its variant key would carry the credential to the owner.
        if (route.Definition.Cluster && _cluster is { } cluster && response.Size <= Settings.L2MaxEntrySize
            && !CacheKeys.VariesOnCredentials(response.Vary, route.CredentialHeader))
            cluster.Store(baseKey, requestHeaders, response, Now);
    }

    // The one request of a flight that asks L2 and the upstream; the flight's followers get what it stored.
    private async Task<StepOutcome> LeadAsync(RequestContext ctx, CompiledHeaderTransforms responseHeaders, StepDelegate next, CompiledCache cache,
        string key, string flightKey, TaskCompletionSource<FlightResult> flight, CachedResponse? stale, RequestCacheMode mode)
    {
        var context = ctx.Http;
        var outcome = FlightResult.Failure;
        try
        {
            if (stale is null && mode == RequestCacheMode.Lookup && cache.Definition.Cluster && _cluster is { } cluster
                && await cluster.GetAsync(key, context.Request.Headers, L1.RuleOf(key)?.Headers ?? [], cache.CredentialHeader).ConfigureAwait(false) is { } remote
                // An owner that has not applied a purge this node applied yet answers with what the purge removed.
                && !_purges.Covers(remote))
            {
                if (CachePolicy.IsFresh(remote, Now))
                {
                    L1.Store(key, remote, context.Request.Headers, CachePolicy.StaleIfErrorWindow(remote, cache.Definition.StaleIfError));
                    outcome = new FlightResult(remote, false);
                    return await ServeAsync(ctx, cache, responseHeaders, remote, CacheResults.HitCluster).ConfigureAwait(false);
                }
                if (remote.HasValidator) stale = remote;
            }
            // A client that asked to revalidate (no-cache) is never answered with a stale entry.
            var (stored, answer, servedStale) = await FetchAsync(ctx, next, cache, key, stale, staleOnError: mode == RequestCacheMode.Lookup, responseHeaders).ConfigureAwait(false);
            // A response that arrived whole but may not be stored is no failure: the followers fetch their own, as it says.
            // (A refusal of the forward, e.g. 502, is rendered after the chain returns: its status is in the outcome.)
            // An upstream failure answered with a stale entry is one too: the followers serve their stale entry, or take over.
            var failed = servedStale || stored is null && (context.RequestAborted.IsCancellationRequested || answer.Status >= StatusCodes.Status500InternalServerError);
            outcome = new FlightResult(stored, failed, servedStale);
            return answer;
        }
        finally
        {
            _flights.TryRemove(new KeyValuePair<string, TaskCompletionSource<FlightResult>>(flightKey, flight));
            flight.TrySetResult(outcome);
        }
    }

    // Forwards with a fill; when the forward fails (refused, unavailable, timeout, shed, or an upstream 5xx, which the fill
    // catches before a byte of it is copied) and staleOnError, answers with the stale entry its stale-if-error window allows.
    private async Task<(CachedResponse? Stored, StepOutcome Answer, bool ServedStale)> FetchAsync(RequestContext ctx, StepDelegate next, CompiledCache cache,
        string key, CachedResponse? stale, bool staleOnError, CompiledHeaderTransforms responseHeaders)
    {
        var context = ctx.Http;
        var fill = new CacheFill(this, cache, key, stale, context.Request.Headers, cache.Definition.MaxBodySize ?? Settings.MaxBodySize)
        {
            RequestId = ctx.RequestId,
            StaleOnError = staleOnError,
        };
        var response = context.Response;
        var original = response.Body;
        var capture = new CaptureStream(original, cache.Definition.MaxBodySize ?? Settings.MaxBodySize);
        fill.Capture = capture;
        response.Body = capture;
        StepOutcome answer;
        try
        {
            answer = await ForwardAsync(ctx, fill, next).ConfigureAwait(false);
        }
        finally
        {
            response.Body = original;
        }
        if (staleOnError && IsFailure(answer) && !response.HasStarted && !context.RequestAborted.IsCancellationRequested
            && StaleOnError(cache, key, context.Request.Headers) is { } entry)
        {
            return (null, await ServeAsync(ctx, cache, responseHeaders, entry, CacheResults.Stale).ConfigureAwait(false), true);
        }
        cache.Count(fill.Label);
        return (fill.Complete(context), answer, fill.Label == CacheResults.Stale);
    }

    /// <summary>
    /// The entry this node holds for <paramref name="baseKey"/> and the request's <paramref name="headers"/> that may be
    /// served because the upstream failed (within its stale-if-error window), or null. The key carries the identity on
    /// routes that key by it, so a stale entry is never another identity's.
    /// </summary>
    internal CachedResponse? StaleOnError(CompiledCache cache, string baseKey, IHeaderDictionary headers) =>
        L1.Lookup(baseKey, headers) is { } entry && CachePolicy.MayServeStaleOnError(entry, cache.Definition.StaleIfError, Now) ? entry : null;

    // The forward's own refusals: no endpoint, refused or reset connection, timeout, a full queue.
    private static bool IsFailure(in StepOutcome answer) =>
        answer.Kind == OutcomeKind.Shed || answer.Kind == OutcomeKind.Problem && answer.Status is StatusCodes.Status502BadGateway
            or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout;

    /// <summary>
    /// Waits for the flight's leader and serves what it stored. When the leader failed (an error, an incomplete response,
    /// its client left) or did not finish within <c>collapse-timeout</c>, exactly one follower takes its place and the
    /// others wait for that one: a failing or slow upstream gets one request per round, never the whole crowd at once.
    /// </summary>
    private async Task<StepOutcome> FollowAsync(RequestContext ctx, CompiledHeaderTransforms responseHeaders, StepDelegate next, CompiledCache cache,
        string key, string flightKey, TaskCompletionSource<FlightResult> leader)
    {
        var context = ctx.Http;
        while (true)
        {
            FlightResult outcome;
            var timedOut = false;
            try
            {
                outcome = await leader.Task.WaitAsync(Settings.CollapseTimeout, context.RequestAborted).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                outcome = FlightResult.Failure;
                timedOut = true;
            }
            catch (OperationCanceledException)
            {
                return StepOutcome.ClientGone; // the client left while waiting
            }

            // The leader's response is usable when it was stored, is fresh, and (if it varies) is the variant this request selects.
            if (outcome.Stored is { } result && CachePolicy.IsFresh(result, Now)
                && (result.Vary.IsDefaultOrEmpty || L1.Lookup(key, context.Request.Headers) == result))
            {
                return await ServeAsync(ctx, cache, responseHeaders, result, CacheResults.Collapsed).ConfigureAwait(false);
            }
            if (!outcome.Failed)
            {
                // Not storable (or another variant): the response says each request gets its own.
                var (_, answer, _) = await FetchAsync(ctx, next, cache, key, null, staleOnError: true, responseHeaders).ConfigureAwait(false);
                return answer;
            }
            // The leader found the upstream failing and served its stale entry: so does this request, without asking again.
            if (outcome.ServedStale && StaleOnError(cache, key, context.Request.Headers) is { } stale)
            {
                return await ServeAsync(ctx, cache, responseHeaders, stale, CacheResults.Stale).ConfigureAwait(false);
            }

            var mine = NewFlight();
            // A slow leader stays in the map until it ends: replace it; a failed one has left it: take the empty place.
            var taken = timedOut ? _flights.TryUpdate(flightKey, mine, leader) || ReferenceEquals(_flights.GetOrAdd(flightKey, mine), mine)
                : ReferenceEquals(_flights.GetOrAdd(flightKey, mine), mine);
            if (!taken)
            {
                if (_flights.TryGetValue(flightKey, out var newer)) leader = newer;
                continue;
            }
            CacheMetrics.CollapseTakeovers.Inc();
            // The previous leader may have stored the response after all, just before this request took its place.
            if (L1.Lookup(key, context.Request.Headers) is { } stored && CachePolicy.IsFresh(stored, Now))
            {
                _flights.TryRemove(new KeyValuePair<string, TaskCompletionSource<FlightResult>>(flightKey, mine));
                mine.TrySetResult(new FlightResult(stored, false));
                return await ServeAsync(ctx, cache, responseHeaders, stored, CacheResults.Collapsed).ConfigureAwait(false);
            }
            return await LeadAsync(ctx, responseHeaders, next, cache, key, flightKey, mine, null, RequestCacheMode.Lookup).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource<FlightResult> NewFlight() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The fill is this request's part in the forward that the rest of the chain performs.
    private static async ValueTask<StepOutcome> ForwardAsync(RequestContext ctx, CacheFill fill, StepDelegate next)
    {
        ctx.AddHook(fill);
        try
        {
            return await next(ctx).ConfigureAwait(false);
        }
        finally
        {
            ctx.RemoveHook(fill);
        }
    }

    private async Task<StepOutcome> ServeAsync(RequestContext ctx, CompiledCache cache, CompiledHeaderTransforms responseHeaders, CachedResponse stored, string label)
    {
        cache.Count(label);
        return StepOutcome.Answered(await WriteAsync(ctx.Http, stored, label, Now, ctx.RequestId, responseHeaders).ConfigureAwait(false));
    }

    /// <summary>Writes <paramref name="stored"/> as the response (304 when the client's validator matches); returns the status sent.</summary>
    internal static async Task<int> WriteAsync(HttpContext context, CachedResponse stored, string label, DateTimeOffset now, string requestId,
        CompiledHeaderTransforms? responseHeaders = null)
    {
        var request = context.Request;
        var response = context.Response;
        response.StatusCode = stored.Status;
        var headers = response.Headers;
        foreach (var header in stored.Headers) headers[header.Name] = header.Values.ToArray();
        headers.Age = CachePolicy.AgeHeader(stored, now);
        headers[CacheResults.Header] = label;
        headers["X-Request-Id"] = requestId;
        responseHeaders?.Apply(headers);
        if (NotModified(request, stored))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            headers.ContentLength = null;
            headers.Remove(HeaderNames.ContentType);
            return StatusCodes.Status304NotModified;
        }
        response.ContentLength = stored.Body.Length;
        if (!HttpMethods.IsHead(request.Method) && stored.Body.Length > 0)
            await response.Body.WriteAsync(stored.Body, context.RequestAborted).ConfigureAwait(false);
        return stored.Status;
    }

    // The client's own conditional GET against the stored response (RFC 9110 §13.2.2: If-None-Match wins over If-Modified-Since).
    private static bool NotModified(HttpRequest request, CachedResponse stored)
    {
        if (stored.Status != StatusCodes.Status200OK) return false;
        var ifNoneMatch = request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count > 0)
        {
            if (stored.ETag is null) return false;
            var etag = Weak(stored.ETag);
            foreach (var value in ifNoneMatch)
            {
                foreach (var candidate in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (candidate == "*" || Weak(candidate) == etag) return true;
                }
            }
            return false;
        }
        return request.Headers.IfModifiedSince.ToString() is { Length: > 0 } since && stored.LastModified is { } lastModified
            && HeaderUtilities.TryParseDate(since, out var sinceDate) && HeaderUtilities.TryParseDate(lastModified, out var modified)
            && modified <= sinceDate;
    }

    private static string Weak(string etag) => etag.StartsWith("W/", StringComparison.Ordinal) ? etag[2..] : etag;

    // What a flight's leader ended with: the response it stored, or whether it failed (so one follower takes over).
    // ServedStale: it failed and answered with a stale entry.
    private sealed record FlightResult(CachedResponse? Stored, bool Failed, bool ServedStale = false)
    {
        public static FlightResult Failure { get; } = new(null, true);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        L1.Dispose();
        L2.Dispose();
    }
}
