using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// An upstream for the cache tests that counts the requests it gets by path and answers with the caching headers the
/// path names: <c>/max-age/{s}/..</c>, <c>/no-store</c>, <c>/private</c>, <c>/none</c>, <c>/vary</c> (on Accept-Language),
/// <c>/etag</c> (304 to its own ETag), <c>/no-cache</c> (304 to its own Last-Modified), <c>/slow</c> (300 ms, max-age 60), <c>/big/{bytes}</c>, <c>/cookie</c>.
/// Every body names how many times the path was fetched, so a test sees which fetch a response came from.
/// </summary>
public sealed class CachingUpstream
{
    private readonly ConcurrentDictionary<string, int> _hits = new();

    /// <summary>Requests the upstream got for <paramref name="path"/> (path and query).</summary>
    public int Hits(string path) => _hits.GetValueOrDefault(path);

    /// <summary>Conditional requests (If-None-Match) it got.</summary>
    public int Conditionals;

    /// <summary>Handles one request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var target = request.Path.Value + request.QueryString.Value;
        var n = _hits.AddOrUpdate(target, 1, (_, v) => v + 1);
        var headers = context.Response.Headers;
        var parts = (request.Path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var body = $"{target} #{n}";
        switch (parts.FirstOrDefault())
        {
            case "max-age":
                headers.CacheControl = $"public, max-age={parts[1]}";
                break;
            case "no-store":
                headers.CacheControl = "no-store, max-age=60";
                break;
            case "private":
                headers.CacheControl = "private, max-age=60";
                break;
            case "vary":
                headers.CacheControl = "max-age=60";
                headers.Vary = "Accept-Language";
                body = $"{request.Headers.AcceptLanguage} #{n}";
                break;
            case "etag":
                headers.CacheControl = "max-age=1";
                headers.ETag = "\"v1\"";
                if (request.Headers.IfNoneMatch == "\"v1\"")
                {
                    Interlocked.Increment(ref Conditionals);
                    headers.CacheControl = "max-age=60";
                    context.Response.StatusCode = StatusCodes.Status304NotModified;
                    return;
                }
                break;
            case "no-cache":
                headers.CacheControl = "no-cache";
                headers.LastModified = "Mon, 23 Nov 2026 10:00:00 GMT";
                if (request.Headers.IfModifiedSince == "Mon, 23 Nov 2026 10:00:00 GMT")
                {
                    Interlocked.Increment(ref Conditionals);
                    context.Response.StatusCode = StatusCodes.Status304NotModified;
                    return;
                }
                break;
            case "slow":
                headers.CacheControl = "max-age=60";
                await Task.Delay(300);
                break;
            case "big":
                headers.CacheControl = "max-age=60";
                body = new string('x', int.Parse(parts[1]));
                break;
            case "cookie":
                headers.CacheControl = "max-age=60";
                headers.SetCookie = "session=abc";
                break;
            case "auth":
                headers.CacheControl = request.Query.ContainsKey("public") ? "public, max-age=60" : "max-age=60";
                break;
        }
        await context.Response.WriteAsync(body);
    }
}
