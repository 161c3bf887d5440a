using System.Collections.Immutable;
using System.Net.Http.Headers;
using Gateway.Protocol.Caching;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Gateway.Actors.Caching;

/// <summary>
/// A request on a cached route on its way upstream: it shapes the outgoing request (drops the client's conditionals,
/// adds the stored validators when revalidating), judges the response as it arrives, captures a storable body, and
/// answers a 304 to a revalidation with the refreshed stored response. Attached to the request's <c>ProxyRequest</c>.
/// </summary>
internal sealed class CacheFill : Chain.IForwardHook
{
    // Not stored: hop-by-hop (RFC 9110 §7.6.1), recomputed (Content-Length, Age), or never replayed (Set-Cookie).
    private static readonly HashSet<string> NotStored = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Authenticate",
        "Content-Length", "Age", "Set-Cookie", CacheResults.Header,
    };

    private readonly ResponseCache? _cache;
    private readonly CompiledCache? _route;
    private readonly string? _baseKey;
    private readonly bool _requestHadAuthorization;
    private readonly IHeaderDictionary? _requestHeaders;
    private readonly long _maxBody;
    private StoreDecision _decision;
    private ImmutableArray<CachedHeader> _headers;
    private int _status;
    private DateTimeOffset _responseTime;
    private bool _bodyComplete;
    private CachedResponse? _staleAnswer;

    private CacheFill(string label) => Label = label;

    internal CacheFill(ResponseCache cache, CompiledCache route, string baseKey, CachedResponse? stale, IHeaderDictionary requestHeaders, long maxBody)
    {
        _requestHeaders = requestHeaders;
        _cache = cache;
        _route = route;
        _baseKey = baseKey;
        Stale = stale;
        _requestHadAuthorization = requestHeaders.ContainsKey(HeaderNames.Authorization);
        _maxBody = maxBody;
        Label = CacheResults.Miss;
    }

    /// <summary>A fill that stores nothing and only labels the response (bypassed requests, HEAD misses).</summary>
    public static CacheFill PassThrough(string label) => new(label);

    /// <summary>The X-Cache value of the response the client gets.</summary>
    public string Label { get; private set; }

    /// <summary>The stored response being revalidated, or null.</summary>
    public CachedResponse? Stale { get; }

    /// <summary>The response stored by this request (fetched, or refreshed by a 304), for requests that waited on it.</summary>
    public CachedResponse? Stored { get; private set; }

    internal CaptureStream? Capture { get; set; }

    /// <summary>Whether an upstream 5xx is answered with a stale entry within its stale-if-error window, if this node holds one.</summary>
    internal bool StaleOnError { get; init; }

    /// <summary>The request's one id, for a response written from the store.</summary>
    internal string RequestId { get; init; } = "";

    /// <summary>Called by the transform on the outgoing request's headers.</summary>
    public void ShapeRequest(HttpRequestHeaders headers)
    {
        if (_cache is null) return;
        // What comes back is stored for everyone: fetch the full response rather than the client's 304.
        headers.Remove(HeaderNames.IfNoneMatch);
        headers.Remove(HeaderNames.IfModifiedSince);
        headers.Remove(HeaderNames.IfRange);
        if (Stale is null) return;
        if (Stale.ETag is { } etag) headers.TryAddWithoutValidation(HeaderNames.IfNoneMatch, etag);
        if (Stale.LastModified is { } lastModified) headers.TryAddWithoutValidation(HeaderNames.IfModifiedSince, lastModified);
    }

    /// <summary>
    /// Called by the transform when the upstream's response headers arrive; false when the response is a 304 to a
    /// revalidation, which is answered from the refreshed stored response instead of being copied.
    /// </summary>
    public bool OnResponse(HttpResponseMessage? response)
    {
        if (_cache is null || response is null) return true;
        _status = (int)response.StatusCode;
        _responseTime = _cache.Now;
        if (StaleOnError && _status >= StatusCodes.Status500InternalServerError && _cache.StaleOnError(_route!, _baseKey!, _requestHeaders!) is { } stale)
        {
            // Not a byte of the 5xx is copied: the stale entry is written instead (ServeInsteadAsync).
            _staleAnswer = stale;
            Capture?.Abandon();
            return false;
        }
        if (Stale is not null && _status == StatusCodes.Status304NotModified)
        {
            Refresh(response);
            return false;
        }

        var content = response.Content.Headers;
        var facts = new ResponseFacts(_status,
            Joined(response.Headers, HeaderNames.CacheControl), Joined(content, HeaderNames.Expires), Joined(response.Headers, HeaderNames.Date),
            Joined(response.Headers, HeaderNames.Age), Joined(response.Headers, HeaderNames.Vary), response.Headers.Contains(HeaderNames.SetCookie),
            Joined(response.Headers, HeaderNames.ETag), Joined(content, HeaderNames.LastModified));
        _decision = CachePolicy.Decide(facts, _route!.Definition, _requestHadAuthorization, _responseTime);
        if (_decision.Store && content.ContentLength > _maxBody) _decision = StoreDecision.No("body larger than max-body-size");
        if (!_decision.Store)
        {
            Capture?.Abandon();
            return true;
        }
        _headers = Collect(response);
        return true;
    }

    /// <summary>Called by the transform when the whole body was copied (YARP then copies trailers).</summary>
    public void OnBodyComplete() => _bodyComplete = true;

    /// <summary>Called by the transform after the response headers were copied: labels the response.</summary>
    public void OnHeadersCopied(IHeaderDictionary headers) => headers[CacheResults.Header] = Label;

    /// <summary>
    /// Writes the refreshed stored response after a 304, or the stale entry instead of an upstream 5xx; the transform
    /// returns false so YARP copies nothing.
    /// </summary>
    public async ValueTask<bool> ServeRefreshedAsync(HttpContext context)
    {
        if (_staleAnswer is not null)
        {
            Label = CacheResults.Stale;
            await ResponseCache.WriteAsync(context, _staleAnswer, Label, _cache!.Now, RequestId).ConfigureAwait(false);
            return false;
        }
        Label = CacheResults.Revalidated;
        await ResponseCache.WriteAsync(context, Stored!, Label, _cache!.Now, RequestId).ConfigureAwait(false);
        return false;
    }

    /// <summary>After the forward: stores the response when it was storable and arrived whole; returns it, or null.</summary>
    internal CachedResponse? Complete(HttpContext context)
    {
        if (_cache is null) return null;
        if (Stored is not null) return Stored; // refreshed by a 304, already stored
        var body = Capture?.ToArray();
        if (!_decision.Store || !_bodyComplete || body is null || context.Response.StatusCode != _status) return null;
        if (context.Response.ContentLength is { } length && length != body.Length) return null;
        Stored = new CachedResponse
        {
            Status = _status,
            Headers = _headers,
            Body = body,
            ResponseTime = _responseTime,
            InitialAge = _decision.InitialAge,
            FreshnessLifetime = _decision.Lifetime,
            NoCache = _decision.NoCache,
            ETag = Find(_headers, HeaderNames.ETag),
            LastModified = Find(_headers, HeaderNames.LastModified),
            Vary = _decision.Vary,
            Path = context.Request.Path.Value ?? "",
            Query = context.Request.QueryString.Value ?? "",
        };
        _cache.Store(_route!, _baseKey!, Stored, _requestHeaders!);
        return Stored;
    }

    // RFC 9111 §4.3.4: the stored headers are updated with those of the 304, and freshness starts again from it.
    private void Refresh(HttpResponseMessage notModified)
    {
        var fresh = Collect(notModified);
        var names = fresh.Select(h => h.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var merged = Stale!.Headers.Where(h => !names.Contains(h.Name)).Concat(fresh.Where(h => !h.Name.Equals(HeaderNames.ContentType, StringComparison.OrdinalIgnoreCase)))
            .ToImmutableArray();
        var facts = new ResponseFacts(Stale.Status, Find(merged, HeaderNames.CacheControl), Find(merged, HeaderNames.Expires), Find(merged, HeaderNames.Date),
            Joined(notModified.Headers, HeaderNames.Age), Find(merged, HeaderNames.Vary), false, Find(merged, HeaderNames.ETag), Find(merged, HeaderNames.LastModified));
        var decision = CachePolicy.Decide(facts, _route!.Definition, _requestHadAuthorization, _responseTime);
        Stored = Stale with
        {
            Headers = merged,
            ResponseTime = _responseTime,
            InitialAge = decision.InitialAge,
            FreshnessLifetime = decision.Store ? decision.Lifetime : TimeSpan.Zero,
            NoCache = decision.NoCache,
            ETag = Find(merged, HeaderNames.ETag),
            LastModified = Find(merged, HeaderNames.LastModified),
        };
        if (decision.Store) _cache!.Store(_route, _baseKey!, Stored, _requestHeaders!);
    }

    private ImmutableArray<CachedHeader> Collect(HttpResponseMessage response)
    {
        var headers = ImmutableArray.CreateBuilder<CachedHeader>();
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            if (!NotStored.Contains(name)) headers.Add(new CachedHeader(name, [.. values]));
        }
        foreach (var (name, values) in response.Content.Headers.NonValidated)
        {
            if (!NotStored.Contains(name)) headers.Add(new CachedHeader(name, [.. values]));
        }
        return headers.ToImmutable();
    }

    private static string? Joined(HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    private static string? Find(ImmutableArray<CachedHeader> headers, string name)
    {
        foreach (var h in headers)
        {
            if (h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return string.Join(", ", h.Values);
        }
        return null;
    }

    void Chain.IForwardHook.OnRequest(HttpRequestHeaders headers) => ShapeRequest(headers);

    bool Chain.IForwardHook.OnResponse(HttpResponseMessage? response) => OnResponse(response);

    ValueTask<bool> Chain.IForwardHook.ServeInsteadAsync(HttpContext context) => ServeRefreshedAsync(context);

    void Chain.IForwardHook.OnResponseHeaders(HttpContext context) => OnHeadersCopied(context.Response.Headers);
}
