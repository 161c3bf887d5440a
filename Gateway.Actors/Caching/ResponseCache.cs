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
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CachedResponse?>> _flights = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private volatile ICacheCluster? _cluster;

    /// <summary>Creates the node's cache with <paramref name="settings"/>, reading time from <paramref name="time"/>.</summary>
    public ResponseCache(CacheSettings settings, TimeProvider time)
    {
        Settings = settings;
        _time = time;
        L1 = new CacheStore(settings.L1SizeLimit, settings.StaleRetention);
        L2 = new CacheStore(settings.L2SizeLimit, settings.StaleRetention);
    }

    /// <summary>The settings.</summary>
    public CacheSettings Settings { get; }

    /// <summary>This node's L1 store.</summary>
    public CacheStore L1 { get; }

    /// <summary>The store of the L2 entries this node owns (filled and read by its cache entities).</summary>
    public CacheStore L2 { get; }

    /// <summary>The cache's clock.</summary>
    public TimeProvider Time => _time;

    /// <summary>Now, on the cache's clock.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Connects the L2 level once the cache region runs; until then every L1 miss goes upstream.</summary>
    public void AttachCluster(ICacheCluster cluster) => _cluster = cluster;

    /// <summary>Removes what <paramref name="purge"/> selects from this node's L1 and L2 stores; returns how many entries went from each.</summary>
    public (int L1, int L2) PurgeLocal(PurgeCache purge) => (L1.Purge(purge), L2.Purge(purge));

    /// <summary>
    /// Runs the cache for a request on a route whose cache is <paramref name="cache"/>: answers from L1 or L2, collapses
    /// concurrent misses, or calls <paramref name="next"/> (the rest of the route's chain) with a fill hooked on the forward.
    /// </summary>
    internal async ValueTask<StepOutcome> HandleAsync(RequestContext ctx, CompiledCache cache, CompiledHeaderTransforms responseHeaders, StepDelegate next)
    {
        var context = ctx.Http;
        var request = context.Request;
        var headers = request.Headers;
        var mode = CachePolicy.ForRequest(request.Method, headers.CacheControl, headers.Pragma, headers.ContainsKey(HeaderNames.Range));
        if (mode == RequestCacheMode.Bypass)
        {
            cache.Count(CacheResults.Bypass);
            return await ForwardAsync(ctx, CacheFill.PassThrough(CacheResults.Bypass), next).ConfigureAwait(false);
        }

        var key = cache.BaseKey(request, ctx.Path);
        CachedResponse? stale = null;
        if (mode == RequestCacheMode.Lookup)
        {
            if (L1.Lookup(key, headers) is { } stored)
            {
                if (CachePolicy.IsFresh(stored, Now)) return await ServeAsync(ctx, cache, responseHeaders, stored, CacheResults.Hit).ConfigureAwait(false);
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
        var flight = new TaskCompletionSource<CachedResponse?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var leader = mode == RequestCacheMode.Refresh ? flight : _flights.GetOrAdd(flightKey, flight);
        if (!ReferenceEquals(leader, flight)) return await FollowAsync(ctx, cache, responseHeaders, key, leader.Task, next).ConfigureAwait(false);

        CachedResponse? result = null;
        try
        {
            if (stale is null && mode == RequestCacheMode.Lookup && cache.Definition.Cluster && _cluster is { } cluster
                && await cluster.GetAsync(key, headers).ConfigureAwait(false) is { } remote)
            {
                if (CachePolicy.IsFresh(remote, Now))
                {
                    L1.Store(key, remote, headers);
                    result = remote;
                    return await ServeAsync(ctx, cache, responseHeaders, remote, CacheResults.HitCluster).ConfigureAwait(false);
                }
                if (remote.HasValidator) stale = remote;
            }
            (result, var outcome) = await FetchAsync(ctx, cache, key, stale, next).ConfigureAwait(false);
            return outcome;
        }
        finally
        {
            _flights.TryRemove(new KeyValuePair<string, TaskCompletionSource<CachedResponse?>>(flightKey, flight));
            flight.TrySetResult(result);
        }
    }

    /// <summary>Stores a response fetched or refreshed here: in L1, and with its owner in the cluster when the route shares it.</summary>
    internal void Store(CompiledCache route, string baseKey, CachedResponse response, IHeaderDictionary requestHeaders)
    {
        L1.Store(baseKey, response, requestHeaders);
        CacheMetrics.Stored.Inc();
        if (route.Definition.Cluster && _cluster is { } cluster && response.Size <= Settings.L2MaxEntrySize && !CacheKeys.VariesOnCredentials(response.Vary))
            cluster.Store(baseKey, requestHeaders, response, Now);
    }

    private async Task<(CachedResponse?, StepOutcome)> FetchAsync(RequestContext ctx, CompiledCache cache, string key, CachedResponse? stale, StepDelegate next)
    {
        var context = ctx.Http;
        var fill = new CacheFill(this, cache, key, stale, context.Request.Headers, cache.Definition.MaxBodySize ?? Settings.MaxBodySize) { RequestId = ctx.RequestId };
        var response = context.Response;
        var original = response.Body;
        var capture = new CaptureStream(original, cache.Definition.MaxBodySize ?? Settings.MaxBodySize);
        fill.Capture = capture;
        response.Body = capture;
        StepOutcome outcome;
        try
        {
            outcome = await ForwardAsync(ctx, fill, next).ConfigureAwait(false);
        }
        finally
        {
            response.Body = original;
        }
        cache.Count(fill.Label);
        return (fill.Complete(context), outcome);
    }

    private async Task<StepOutcome> FollowAsync(RequestContext ctx, CompiledCache cache, CompiledHeaderTransforms responseHeaders, string key,
        Task<CachedResponse?> leader, StepDelegate next)
    {
        var context = ctx.Http;
        CachedResponse? result;
        try
        {
            result = await leader.WaitAsync(Settings.CollapseTimeout, context.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            result = null;
        }
        catch (OperationCanceledException)
        {
            return StepOutcome.ClientGone; // the client left while waiting
        }

        // The leader's response is usable when it was stored, is fresh, and (if it varies) is the variant this request selects.
        if (result is not null && CachePolicy.IsFresh(result, Now) && (result.Vary.IsDefaultOrEmpty || L1.Lookup(key, context.Request.Headers) == result))
            return await ServeAsync(ctx, cache, responseHeaders, result, CacheResults.Collapsed).ConfigureAwait(false);
        var (_, outcome) = await FetchAsync(ctx, cache, key, null, next).ConfigureAwait(false);
        return outcome;
    }

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

    /// <inheritdoc />
    public void Dispose()
    {
        L1.Dispose();
        L2.Dispose();
    }
}
