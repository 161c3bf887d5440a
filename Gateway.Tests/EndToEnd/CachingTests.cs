using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>A cached route as a client sees it: X-Cache and Age, what is stored and what is not, expiry, Vary, revalidation, collapsing, purge.</summary>
[Trait("Category", "EndToEnd")]
public sealed class CachingTests : IAsyncLifetime
{
    private readonly CachingUpstream _script = new();
    private readonly ManualTimeProvider _clock = new();
    private TestUpstream _upstream = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestUpstream.StartAsync(_script.HandleAsync);
        _gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = u, endpoints = [ "{{_upstream.Url}}" ] } ]
            routes = [
              { id = cached, path = "/{**rest}", upstream = u, cache { max-body-size = 64KiB } }
              { id = defaulted, path = "/ttl/{**rest}", upstream = u, cache { default-ttl = 30s, key = [path] } }
              { id = cookies, path = "/cookie-ok/{**rest}", upstream = u, rewrite { strip-prefix = "/cookie-ok" }
                cache { allow-set-cookie = on } }
            ]
            """, _clock);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task SecondGet_IsAHitWithAge_UpstreamFetchedOnce()
    {
        var (first, firstBody) = await Get("/max-age/60/a");
        Assert.Equal("MISS", Single(first, "X-Cache"));
        _clock.Advance(TimeSpan.FromSeconds(7));

        var (second, secondBody) = await Get("/max-age/60/a");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("HIT", Single(second, "X-Cache"));
        Assert.Equal("7", Single(second, "Age"));
        Assert.Equal(firstBody, secondBody);
        Assert.Equal("public, max-age=60", second.Headers.CacheControl!.ToString());
        Assert.Equal(1, _script.Hits("/max-age/60/a"));

        using var head = await _gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/max-age/60/a"));
        Assert.Equal("HIT", Single(head, "X-Cache"));
        Assert.Equal(firstBody.Length, head.Content.Headers.ContentLength);
        Assert.Equal(1, _script.Hits("/max-age/60/a"));
    }

    [Fact]
    public async Task MaxAgePassed_IsFetchedAgain()
    {
        await Get("/max-age/10/b");
        _clock.Advance(TimeSpan.FromSeconds(9));
        var (fresh, _) = await Get("/max-age/10/b");
        Assert.Equal("HIT", Single(fresh, "X-Cache"));
        _clock.Advance(TimeSpan.FromSeconds(2));

        var (expired, body) = await Get("/max-age/10/b");
        Assert.Equal("MISS", Single(expired, "X-Cache"));
        Assert.EndsWith("#2", body);
        Assert.Equal(2, _script.Hits("/max-age/10/b"));
    }

    [Theory]
    [InlineData("/no-store")]
    [InlineData("/private")]
    [InlineData("/none")]
    [InlineData("/cookie")]
    public async Task ResponsesAStoreMustNotKeep_AreFetchedEveryTime(string path)
    {
        for (var i = 0; i < 3; i++)
        {
            var (response, _) = await Get(path);
            Assert.Equal("MISS", Single(response, "X-Cache"));
        }
        Assert.Equal(3, _script.Hits(path));
    }

    [Fact]
    public async Task DefaultTtl_StoresAResponseWithoutFreshness()
    {
        await Get("/ttl/none?x=1");
        var (hit, _) = await Get("/ttl/none?x=2"); // the route's key is the path only
        Assert.Equal("HIT", Single(hit, "X-Cache"));
        Assert.Equal(1, _script.Hits("/ttl/none?x=1"));
        Assert.Equal(0, _script.Hits("/ttl/none?x=2"));
    }

    [Fact]
    public async Task AllowSetCookie_StoresTheResponse_ButHitsCarryNoCookie()
    {
        var (first, _) = await Get("/cookie-ok/cookie");
        Assert.True(first.Headers.Contains("Set-Cookie"));
        var (hit, _) = await Get("/cookie-ok/cookie");
        Assert.Equal("HIT", Single(hit, "X-Cache"));
        Assert.False(hit.Headers.Contains("Set-Cookie"));
        Assert.Equal(1, _script.Hits("/cookie"));
    }

    [Fact]
    public async Task Authorization_StoredOnlyWhenTheResponseIsPublic()
    {
        for (var i = 0; i < 2; i++) await Get("/auth", "Bearer t");
        Assert.Equal(2, _script.Hits("/auth"));
        for (var i = 0; i < 2; i++) await Get("/auth?public", "Bearer t");
        Assert.Equal(1, _script.Hits("/auth?public"));
    }

    [Fact]
    public async Task Vary_KeepsOneVariantPerHeaderValue()
    {
        var (en1, enBody) = await Get("/vary", language: "en");
        var (de1, deBody) = await Get("/vary", language: "de");
        var (en2, enAgain) = await Get("/vary", language: "en");
        var (de2, deAgain) = await Get("/vary", language: "de");

        Assert.Equal(["MISS", "MISS", "HIT", "HIT"], new[] { en1, de1, en2, de2 }.Select(r => Single(r, "X-Cache")));
        Assert.StartsWith("en", enAgain);
        Assert.StartsWith("de", deAgain);
        Assert.Equal(enBody, enAgain);
        Assert.Equal(deBody, deAgain);
        Assert.Equal(2, _script.Hits("/vary"));
    }

    [Fact]
    public async Task StaleWithETag_IsRevalidated_And304RefreshesIt()
    {
        var (first, body) = await Get("/etag");
        Assert.Equal("MISS", Single(first, "X-Cache"));
        _clock.Advance(TimeSpan.FromSeconds(5)); // max-age=1: stale

        var (revalidated, again) = await Get("/etag");
        Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode);
        Assert.Equal("REVALIDATED", Single(revalidated, "X-Cache"));
        Assert.Equal(body, again);
        Assert.Equal(1, _script.Conditionals);

        // The 304 said max-age=60: fresh again without asking.
        _clock.Advance(TimeSpan.FromSeconds(30));
        var (hit, _) = await Get("/etag");
        Assert.Equal("HIT", Single(hit, "X-Cache"));
        Assert.Equal(2, _script.Hits("/etag"));
    }

    [Fact]
    public async Task NoCacheWithLastModified_IsRevalidatedOnEveryUse()
    {
        var (first, body) = await Get("/no-cache");
        Assert.Equal("MISS", Single(first, "X-Cache"));
        for (var i = 0; i < 2; i++)
        {
            var (again, againBody) = await Get("/no-cache");
            Assert.Equal("REVALIDATED", Single(again, "X-Cache"));
            Assert.Equal(body, againBody);
        }
        Assert.Equal(3, _script.Hits("/no-cache"));
        Assert.Equal(2, _script.Conditionals);
    }

    [Fact]
    public async Task ClientConditional_OnAHit_Gets304()
    {
        await Get("/etag");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/etag");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"v1\""));
        using var response = await _gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal("HIT", Single(response, "X-Cache"));
        Assert.Equal(1, _script.Hits("/etag"));
    }

    [Fact]
    public async Task ConcurrentMisses_AreCollapsedIntoOneUpstreamRequest()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Get("/slow")));

        Assert.Equal(1, _script.Hits("/slow"));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Response.StatusCode));
        Assert.All(responses, r => Assert.Equal("/slow #1", r.Body));
        Assert.Equal(1, responses.Count(r => Single(r.Response, "X-Cache") == "MISS"));
    }

    [Fact]
    public async Task ConcurrentMisses_ForAnUncacheableResponse_EachGoUpstream()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Get("/no-store")));
        Assert.All(responses, r => Assert.Equal("MISS", Single(r.Response, "X-Cache")));
        Assert.Equal(5, _script.Hits("/no-store"));
    }

    [Fact]
    public async Task BodyOverMaxBodySize_StreamsThroughUncached()
    {
        var (first, body) = await Get("/big/100000");
        Assert.Equal(100000, body.Length);
        var (second, _) = await Get("/big/100000");
        Assert.Equal("MISS", Single(second, "X-Cache"));
        Assert.Equal(2, _script.Hits("/big/100000"));

        await Get("/big/1000");
        var (small, _) = await Get("/big/1000");
        Assert.Equal("HIT", Single(small, "X-Cache"));
    }

    [Fact]
    public async Task PostAndClientNoStore_Bypass()
    {
        using var post = await _gateway.Client.PostAsync("/max-age/60/p", new StringContent("x"));
        Assert.Equal("BYPASS", Single(post, "X-Cache"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/max-age/60/p");
        request.Headers.CacheControl = new CacheControlHeaderValue { NoStore = true };
        using var noStore = await _gateway.Client.SendAsync(request);
        Assert.Equal("BYPASS", Single(noStore, "X-Cache"));
        var (get, _) = await Get("/max-age/60/p");
        Assert.Equal("MISS", Single(get, "X-Cache"));
    }

    [Fact]
    public async Task PurgeByPrefix_AndByKey_ThroughTheAdminApi()
    {
        foreach (var path in new[] { "/max-age/60/p/a", "/max-age/60/p/b?x=1", "/max-age/60/q" }) await Get(path);

        using var byPrefix = await _gateway.Admin.DeleteAsync("/admin/cache?prefix=/max-age/60/p/");
        Assert.Equal(HttpStatusCode.OK, byPrefix.StatusCode);
        Assert.Contains("\"l1Removed\":2", await byPrefix.Content.ReadAsStringAsync());
        Assert.Equal("MISS", Single((await Get("/max-age/60/p/a")).Response, "X-Cache"));
        Assert.Equal("MISS", Single((await Get("/max-age/60/p/b?x=1")).Response, "X-Cache"));
        Assert.Equal("HIT", Single((await Get("/max-age/60/q")).Response, "X-Cache"));

        using var byKey = await _gateway.Admin.PostAsync("/admin/cache/purge", JsonContent.Create(new { key = "/max-age/60/p/b?x=1" }));
        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        Assert.Equal("MISS", Single((await Get("/max-age/60/p/b?x=1")).Response, "X-Cache"));
        Assert.Equal("HIT", Single((await Get("/max-age/60/p/a")).Response, "X-Cache"));
        Assert.Equal(3, _script.Hits("/max-age/60/p/b?x=1"));
    }

    [Fact]
    public async Task PbmCachePurge_RemovesTheEntry_AndStatsShowTheLevels()
    {
        await Get("/max-age/60/o/a");
        using var connection = await Gateway.Tests.Ops.OpsTestConnection.OpenAsync(_gateway.OpsPort);

        var stats = await connection.RunAsync("gateway cache stats");
        var l1 = stats[0].Rows!.Value.Single(r => r[0] == "l1");
        Assert.True(int.Parse(l1[1]) >= 1 && long.Parse(l1[2]) > 0, $"l1 row {string.Join(" ", l1)}");

        var purge = await connection.RunAsync("gateway cache purge", null, "--key", "/max-age/60/o/a");
        Assert.Contains("purged key /max-age/60/o/a: 1 L1", purge[0].Text);
        Assert.Equal(0, purge[^1].ExitCode);
        Assert.Equal("MISS", Single((await Get("/max-age/60/o/a")).Response, "X-Cache"));

        var usage = await connection.RunAsync("gateway cache purge", null, "api");
        Assert.Equal(2, usage[^1].ExitCode);
    }

    [Theory]
    [InlineData("/admin/cache")]
    [InlineData("/admin/cache?prefix=api")]
    [InlineData("/admin/cache?prefix=/a&key=/b")]
    public async Task Purge_WithoutOneValidSelector_Is400(string url)
    {
        using var response = await _gateway.Admin.DeleteAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<(HttpResponseMessage Response, string Body)> Get(string path, string? authorization = null, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (language is not null) request.Headers.TryAddWithoutValidation("Accept-Language", language);
        var response = await _gateway.Client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static string Single(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : "";
}
