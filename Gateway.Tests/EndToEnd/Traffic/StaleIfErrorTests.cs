using System.Net;
using Gateway.Actors.Caching;
using Gateway.Tests.EndToEnd.Security;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Gateway.Tests.EndToEnd.Traffic;

/// <summary>
/// stale-if-error (RFC 5861) on cached routes, with a real upstream that fails after the entry expired: the stale entry is
/// served marked <c>X-Cache: STALE</c> within its window, the error (or the route's fallback) after it, never to another
/// identity, never for a POST; a stale answer wins over the fallback.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class StaleIfErrorTests
{
    private const string AliceKey = "key-alice-5c1e0a";
    private const string BobKey = "key-bob-e27d94";
    private const string Fallback = """fallback = { status = 200, content-type = "application/json", body = "{\"degraded\":true}" }""";
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public async Task RouteSetting_UpstreamDown_ServesStaleWithinTheWindow_ThenTheError_AndNeverForAPost()
    {
        var upstream = new FlakyUpstream();
        var server = await TestUpstream.StartAsync(upstream.HandleAsync);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = u, endpoints = [ "{{server.Url}}" ], circuit-breaker = { consecutive-failures = 1, base-ejection = 60s } } ]
            routes = [ { id = sie-down, path = "/{**rest}", upstream = u, cache { default-ttl = 10s, stale-if-error = 60s } } ]
            """, _clock);
        var (fresh, body) = await GetAsync(gateway, "/a");
        Assert.Equal("MISS", Header(fresh, "X-Cache"));

        await HeldInL2Async(gateway, "/a");
        await server.DisposeAsync(); // connection refused from now on
        _clock.Advance(TimeSpan.FromSeconds(20)); // expired 10 s ago, 50 s left of the stale window
        // Refused (the forward's 502), then the open breaker (503): both served from the stale entry.
        for (var i = 0; i < 2; i++)
        {
            var (stale, staleBody) = await GetAsync(gateway, "/a");
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
            Assert.Equal("STALE", Header(stale, "X-Cache"));
            Assert.Equal(body, staleBody);
        }
        // A POST never gets a stored response, stale or not.
        using var post = await gateway.Client.PostAsync("/a", new StringContent("x"));
        Assert.True((int)post.StatusCode >= 500, $"POST got {(int)post.StatusCode}");
        Assert.NotEqual("STALE", Header(post, "X-Cache"));
        // A client that asks to revalidate (no-cache) gets the error rather than a stale entry.
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/a");
        revalidate.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
        using var refused = await gateway.Client.SendAsync(revalidate);
        Assert.True((int)refused.StatusCode >= 500, $"no-cache GET got {(int)refused.StatusCode}");

        _clock.Advance(TimeSpan.FromSeconds(55)); // age 75 s: past freshness (10 s) plus the window (60 s)
        var (gone, _) = await GetAsync(gateway, "/a");
        Assert.True((int)gone.StatusCode >= 500, $"past the window got {(int)gone.StatusCode}");
        Assert.NotEqual("STALE", Header(gone, "X-Cache"));

        var metrics = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Contains("gateway_cache_requests_total{route=\"sie-down\",result=\"stale\"} 2", metrics);
    }

    [Fact]
    public async Task ResponseDirective_Upstream5xxOrTimeout_ServesStale_WithoutItTheErrorPassesThrough()
    {
        var upstream = new FlakyUpstream { CacheControl = "max-age=10, stale-if-error=30" };
        await using var server = await TestUpstream.StartAsync(upstream.HandleAsync);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = u, endpoints = [ "{{server.Url}}" ], circuit-breaker = { consecutive-failures = 100 }, retry = { attempts = 1 } } ]
            routes = [
              { id = sie-directive, path = "/d/{**rest}", upstream = u, timeout = 500ms, cache { max-body-size = 64KiB } }
              { id = sie-none, path = "/n/{**rest}", upstream = u, cache { default-ttl = 10s } }
            ]
            """, _clock);
        var (_, body) = await GetAsync(gateway, "/d/a");
        upstream.CacheControl = null; // the second route's entry says nothing about stale-if-error
        var (_, _) = await GetAsync(gateway, "/n/a");
        await HeldInL2Async(gateway, "/d/a");
        await HeldInL2Async(gateway, "/n/a");

        upstream.Mode = FlakyUpstream.Fail500;
        _clock.Advance(TimeSpan.FromSeconds(15));
        var (stale, staleBody) = await GetAsync(gateway, "/d/a");
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal("STALE", Header(stale, "X-Cache"));
        Assert.Equal(body, staleBody);
        // Without a window (neither the response nor the route gives one) the upstream's 500 reaches the client.
        var (error, errorBody) = await GetAsync(gateway, "/n/a");
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("status 500", errorBody);

        upstream.Mode = FlakyUpstream.Slow; // the route's 500 ms timeout
        var (timedOut, timedOutBody) = await GetAsync(gateway, "/d/a");
        Assert.Equal("STALE", Header(timedOut, "X-Cache"));
        Assert.Equal(body, timedOutBody);

        upstream.Mode = FlakyUpstream.Fail500;
        _clock.Advance(TimeSpan.FromSeconds(30)); // age 45 s > 10 s + 30 s
        var (late, lateBody) = await GetAsync(gateway, "/d/a");
        Assert.Equal(HttpStatusCode.InternalServerError, late.StatusCode);
        Assert.Equal("status 500", lateBody);

        // The upstream is back: a fresh response replaces the stale one.
        upstream.Mode = FlakyUpstream.Ok;
        var (back, backBody) = await GetAsync(gateway, "/d/a");
        Assert.Equal("MISS", Header(back, "X-Cache"));
        Assert.NotEqual(body, backBody);
    }

    [Fact]
    public async Task StaleWinsOverTheFallback_WhichAnswersOnceTheWindowHasPassed()
    {
        var upstream = new FlakyUpstream();
        await using var server = await TestUpstream.StartAsync(upstream.HandleAsync);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = u, endpoints = [ "{{server.Url}}" ], circuit-breaker = { consecutive-failures = 100 } } ]
            routes = [ { id = sie-fallback, path = "/{**rest}", upstream = u, timeout = 500ms, cache = { default-ttl = 10s, stale-if-error = 60s }, {{Fallback}} } ]
            """, _clock);
        var (_, body) = await GetAsync(gateway, "/a");
        await HeldInL2Async(gateway, "/a");

        upstream.Mode = FlakyUpstream.Fail500;
        _clock.Advance(TimeSpan.FromSeconds(20));
        var (stale, staleBody) = await GetAsync(gateway, "/a");
        Assert.Equal("STALE", Header(stale, "X-Cache"));
        Assert.Null(Header(stale, "X-Gateway-Fallback"));
        Assert.Equal(body, staleBody);
        // The forward's own failure (here its timeout) too: the stale entry, not the fallback.
        upstream.Mode = FlakyUpstream.Slow;
        var (timedOut, timedOutBody) = await GetAsync(gateway, "/a");
        Assert.Equal("STALE", Header(timedOut, "X-Cache"));
        Assert.Null(Header(timedOut, "X-Gateway-Fallback"));
        Assert.Equal(body, timedOutBody);
        upstream.Mode = FlakyUpstream.Fail500;
        // A path never cached has no stale entry: the fallback answers.
        var (other, otherBody) = await GetAsync(gateway, "/b");
        Assert.Equal("error", Header(other, "X-Gateway-Fallback"));
        Assert.Equal("""{"degraded":true}""", otherBody);

        _clock.Advance(TimeSpan.FromSeconds(60));
        var (late, lateBody) = await GetAsync(gateway, "/a");
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal("error", Header(late, "X-Gateway-Fallback"));
        Assert.Equal("""{"degraded":true}""", lateBody);
        // The fallback was not stored: the upstream back, the client gets its answer.
        upstream.Mode = FlakyUpstream.Ok;
        var (back, backBody) = await GetAsync(gateway, "/a");
        Assert.Equal("MISS", Header(back, "X-Cache"));
        Assert.StartsWith("for ", backBody);
    }

    [Fact]
    public async Task AuthenticatedRoute_AlicesStaleEntryIsNeverServedToBob()
    {
        var upstream = new FlakyUpstream();
        await using var server = await TestUpstream.StartAsync(upstream.HandleAsync);
        await using var gateway = await TestGateway.StartAsync($$"""
            auth {
              keys {
                api-keys { keys = [
                  { sha256 = "{{SecurityFixture.Sha256(AliceKey)}}", name = alice }
                  { sha256 = "{{SecurityFixture.Sha256(BobKey)}}", name = bob }
                ] }
                forward-claims { name = X-Gateway-Client }
              }
            }
            upstreams = [ { name = u, endpoints = [ "{{server.Url}}" ], circuit-breaker = { consecutive-failures = 100 } } ]
            routes = [ { id = sie-identity, path = "/me", upstream = u, auth = keys, cache { default-ttl = 10s, stale-if-error = 60s } } ]
            """, _clock);
        var (alice, aliceBody) = await GetAsync(gateway, "/me", AliceKey);
        Assert.Equal("MISS", Header(alice, "X-Cache"));
        Assert.StartsWith("for alice ", aliceBody);
        await HeldInL2Async(gateway, "/me");

        upstream.Mode = FlakyUpstream.Fail500;
        _clock.Advance(TimeSpan.FromSeconds(20));
        var (bob, bobBody) = await GetAsync(gateway, "/me", BobKey);
        Assert.Equal(HttpStatusCode.InternalServerError, bob.StatusCode);
        Assert.NotEqual("STALE", Header(bob, "X-Cache"));
        Assert.DoesNotContain("alice", bobBody);

        var (again, againBody) = await GetAsync(gateway, "/me", AliceKey);
        Assert.Equal("STALE", Header(again, "X-Cache"));
        Assert.Equal(aliceBody, againBody);
    }

    private static async Task<(HttpResponseMessage Response, string Body)> GetAsync(TestGateway gateway, string path, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        var response = await gateway.Client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    // The L2 owner stamps an entry with its clock when the store message arrives: wait for it before the test moves
    // the clock, or the owner's copy would look fresh and be served as HIT-CLUSTER.
    private static Task HeldInL2Async(TestGateway gateway, string path)
    {
        var cache = gateway.Services.GetRequiredService<ResponseCache>();
        return Eventually.TrueAsync(() => cache.L2.Snapshot().Any(e => e.Key.Contains(path, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), () => $"{path} never reached the L2 owner");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    // An upstream that answers, fails with 500, or hangs, as the test says; each good answer is numbered.
    private sealed class FlakyUpstream
    {
        public const int Ok = 0, Fail500 = 1, Slow = 2;
        private int _mode;
        private int _served;

        public int Mode
        {
            get => Volatile.Read(ref _mode);
            set => Volatile.Write(ref _mode, value);
        }

        public string? CacheControl { get; set; }

        public async Task HandleAsync(HttpContext context)
        {
            switch (Mode)
            {
                case Fail500:
                    context.Response.StatusCode = 500;
                    await context.Response.WriteAsync("status 500");
                    return;
                case Slow:
                    await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ContinueWith(_ => { });
                    return;
            }
            if (CacheControl is { } cc) context.Response.Headers.CacheControl = cc;
            await context.Response.WriteAsync($"for {context.Request.Headers["X-Gateway-Client"]} #{Interlocked.Increment(ref _served)}");
        }
    }
}
