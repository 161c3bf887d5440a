using System.Collections.Concurrent;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Routing;
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

    /// <summary>Now, on the cache's clock.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Connects the L2 level once the cache region runs; until then every L1 miss goes upstream.</summary>
    public void AttachCluster(ICacheCluster cluster) => _cluster = cluster;

    /// <summary>Removes what <paramref name="purge"/> selects from this node's L1 and L2 stores; returns how many entries went from each.</summary>
    public (int L1, int L2) PurgeLocal(PurgeCache purge) => (L1.Purge(purge), L2.Purge(purge));

    /// <summary>Handles a request matched to <paramref name="route"/>, whose cache is <paramref name="cache"/>; <paramref name="path"/> is the routed path.</summary>
    internal async Task HandleAsync(IngressHandler handler, HttpContext context, CompiledRoute route, CompiledCache cache, string path, string destination, long start)
    {
        var request = context.Request;
        var headers = request.Headers;
        var mode = CachePolicy.ForRequest(request.Method, headers.CacheControl, headers.Pragma, headers.ContainsKey(HeaderNames.Range));
        if (mode == RequestCacheMode.Bypass)
        {
            Count(route, CacheResults.Bypass);
            await handler.ProxyAsync(context, route, destination, start, CacheFill.PassThrough(CacheResults.Bypass)).ConfigureAwait(false);
            return;
        }

        if (cache.BaseKey(context, path) is not { } key)
        {
            // An authenticated route keys its entries by identity; a request without one is never served nor stored.
            Count(route, CacheResults.Bypass);
            await handler.ProxyAsync(context, route, destination, start, CacheFill.PassThrough(CacheResults.Bypass)).ConfigureAwait(false);
            return;
        }
        CachedResponse? stale = null;
        if (mode == RequestCacheMode.Lookup)
        {
            if (L1.Lookup(key, headers) is { } stored)
            {
                if (CachePolicy.IsFresh(stored, Now))
                {
                    await ServeAsync(handler, context, route, stored, CacheResults.Hit, start).ConfigureAwait(false);
                    return;
                }
                if (stored.HasValidator) stale = stored;
            }
        }

        // A HEAD miss is forwarded as it is; only GET responses (with their bodies) are stored.
        if (HttpMethods.IsHead(request.Method))
        {
            Count(route, CacheResults.Miss);
            await handler.ProxyAsync(context, route, destination, start, CacheFill.PassThrough(CacheResults.Miss)).ConfigureAwait(false);
            return;
        }

        var flightKey = L1.RuleOf(key) is { } rule ? CacheKeys.Variant(key, rule.Headers, headers) : key;
        var flight = NewFlight();
        var leader = mode == RequestCacheMode.Refresh ? flight : _flights.GetOrAdd(flightKey, flight);
        if (!ReferenceEquals(leader, flight))
        {
            await FollowAsync(handler, context, route, cache, key, flightKey, leader, destination, start).ConfigureAwait(false);
            return;
        }
        await LeadAsync(handler, context, route, cache, key, flightKey, flight, stale, mode, destination, start).ConfigureAwait(false);
    }

    /// <summary>Stores a response fetched or refreshed here: in L1, and with its owner in the cluster when the route shares it.</summary>
    internal void Store(CompiledCache route, string baseKey, CachedResponse response, IHeaderDictionary requestHeaders)
    {
        L1.Store(baseKey, response, requestHeaders);
        CacheMetrics.Stored.Inc();
        // A response varying on a credential is never sent: its variant key would carry the credential to the owner.
        if (route.Definition.Cluster && _cluster is { } cluster && response.Size <= Settings.L2MaxEntrySize
            && !CacheKeys.VariesOnCredentials(response.Vary, route.CredentialHeader))
            cluster.Store(baseKey, requestHeaders, response, Now);
    }

    // The one request of a flight that asks L2 and the upstream; the flight's followers get what it stored.
    private async Task LeadAsync(IngressHandler handler, HttpContext context, CompiledRoute route, CompiledCache cache, string key, string flightKey,
        TaskCompletionSource<FlightResult> flight, CachedResponse? stale, RequestCacheMode mode, string destination, long start)
    {
        var outcome = FlightResult.Failure;
        try
        {
            if (stale is null && mode == RequestCacheMode.Lookup && cache.Definition.Cluster && _cluster is { } cluster
                && await cluster.GetAsync(key, context.Request.Headers, L1.RuleOf(key)?.Headers ?? [], cache.CredentialHeader).ConfigureAwait(false) is { } remote)
            {
                if (CachePolicy.IsFresh(remote, Now))
                {
                    L1.Store(key, remote, context.Request.Headers);
                    outcome = new FlightResult(remote, false);
                    await ServeAsync(handler, context, route, remote, CacheResults.HitCluster, start).ConfigureAwait(false);
                    return;
                }
                if (remote.HasValidator) stale = remote;
            }
            var stored = await FetchAsync(handler, context, route, cache, key, stale, destination, start).ConfigureAwait(false);
            // A response that arrived whole but may not be stored is no failure: the followers fetch their own, as it says.
            var failed = stored is null && (context.RequestAborted.IsCancellationRequested || context.Response.StatusCode >= StatusCodes.Status500InternalServerError);
            outcome = new FlightResult(stored, failed);
        }
        finally
        {
            _flights.TryRemove(new KeyValuePair<string, TaskCompletionSource<FlightResult>>(flightKey, flight));
            flight.TrySetResult(outcome);
        }
    }

    private async Task<CachedResponse?> FetchAsync(IngressHandler handler, HttpContext context, CompiledRoute route, CompiledCache cache, string key,
        CachedResponse? stale, string destination, long start)
    {
        var fill = new CacheFill(this, cache, key, stale, context.Request.Headers, cache.Definition.MaxBodySize ?? Settings.MaxBodySize);
        var response = context.Response;
        var original = response.Body;
        var capture = new CaptureStream(original, cache.Definition.MaxBodySize ?? Settings.MaxBodySize);
        fill.Capture = capture;
        response.Body = capture;
        try
        {
            await handler.ProxyAsync(context, route, destination, start, fill).ConfigureAwait(false);
        }
        finally
        {
            response.Body = original;
        }
        Count(route, fill.Label);
        return fill.Complete(context);
    }

    /// <summary>
    /// Waits for the flight's leader and serves what it stored. When the leader failed (an error, an incomplete response,
    /// its client left) or did not finish within <c>collapse-timeout</c>, exactly one follower takes its place and the
    /// others wait for that one: a failing or slow upstream gets one request per round, never the whole crowd at once.
    /// </summary>
    private async Task FollowAsync(IngressHandler handler, HttpContext context, CompiledRoute route, CompiledCache cache, string key, string flightKey,
        TaskCompletionSource<FlightResult> leader, string destination, long start)
    {
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
                return; // the client left while waiting
            }

            // The leader's response is usable when it was stored, is fresh, and (if it varies) is the variant this request selects.
            if (outcome.Stored is { } result && CachePolicy.IsFresh(result, Now)
                && (result.Vary.IsDefaultOrEmpty || L1.Lookup(key, context.Request.Headers) == result))
            {
                await ServeAsync(handler, context, route, result, CacheResults.Collapsed, start).ConfigureAwait(false);
                return;
            }
            if (!outcome.Failed)
            {
                // Not storable (or another variant): the response says each request gets its own.
                await FetchAsync(handler, context, route, cache, key, null, destination, start).ConfigureAwait(false);
                return;
            }

            var mine = NewFlight();
            // A slow leader stays in the map until it ends: replace it; a failed one has left it: take the empty place.
            var taken = timedOut ? _flights.TryUpdate(flightKey, mine, leader) || ReferenceEquals(_flights.GetOrAdd(flightKey, mine), mine)
                : ReferenceEquals(_flights.GetOrAdd(flightKey, mine), mine);
            if (!taken)
            {
                if (_flights.TryGetValue(flightKey, out var next)) leader = next;
                continue;
            }
            CacheMetrics.CollapseTakeovers.Inc();
            // The previous leader may have stored the response after all, just before this request took its place.
            if (L1.Lookup(key, context.Request.Headers) is { } stored && CachePolicy.IsFresh(stored, Now))
            {
                _flights.TryRemove(new KeyValuePair<string, TaskCompletionSource<FlightResult>>(flightKey, mine));
                mine.TrySetResult(new FlightResult(stored, false));
                await ServeAsync(handler, context, route, stored, CacheResults.Collapsed, start).ConfigureAwait(false);
                return;
            }
            await LeadAsync(handler, context, route, cache, key, flightKey, mine, null, RequestCacheMode.Lookup, destination, start).ConfigureAwait(false);
            return;
        }
    }

    private static TaskCompletionSource<FlightResult> NewFlight() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task ServeAsync(IngressHandler handler, HttpContext context, CompiledRoute route, CachedResponse stored, string label, long start)
    {
        Count(route, label);
        var status = await WriteAsync(context, stored, label, Now, route).ConfigureAwait(false);
        handler.RecordServed(context, route, status, start);
    }

    /// <summary>Writes <paramref name="stored"/> as the response (304 when the client's validator matches); returns the status sent.</summary>
    internal static async Task<int> WriteAsync(HttpContext context, CachedResponse stored, string label, DateTimeOffset now, CompiledRoute? route = null)
    {
        var request = context.Request;
        var response = context.Response;
        response.StatusCode = stored.Status;
        var headers = response.Headers;
        foreach (var header in stored.Headers) headers[header.Name] = header.Values.ToArray();
        headers.Age = CachePolicy.AgeHeader(stored, now);
        headers[CacheResults.Header] = label;
        headers["X-Request-Id"] = RequestIdentity.RequestId(request);
        route?.ResponseHeaders.Apply(headers);
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

    private static void Count(CompiledRoute route, string label) => route.Cache?.Count(label);

    // What a flight's leader ended with: the response it stored, or whether it failed (so one follower takes over).
    private sealed record FlightResult(CachedResponse? Stored, bool Failed)
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
