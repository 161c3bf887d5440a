using System.Net;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.EndToEnd.Traffic;

/// <summary>Degradation: a route's fallback answers for each reason, marked with X-Gateway-Fallback, and is never cached.</summary>
[Trait("Category", "EndToEnd")]
public sealed class FallbackTests
{
    private const string Fallback = """fallback = { status = 200, content-type = "application/json", body = "{\"degraded\":true}" }""";

    private static async Task AssertFallbackAsync(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(reason, response.Headers.GetValues("X-Gateway-Fallback").Single());
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"degraded":true}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UpstreamDown_Unavailable_ThenStillUnavailableOnceItsEndpointIsOpen()
    {
        var dead = FreePort.Next();
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = down, endpoints = [ "http://127.0.0.1:{{dead}}" ], circuit-breaker = { consecutive-failures = 1, base-ejection = 60s } } ]
            routes = [ { id = r, path = "/{**rest}", upstream = down, {{Fallback}} } ]
            """);
        // Connection refused (502 otherwise), then the open breaker (503 otherwise): both are "unavailable".
        for (var i = 0; i < 3; i++)
        {
            using var response = await gateway.Client.GetAsync("/a");
            await AssertFallbackAsync(response, "unavailable");
        }
    }

    [Fact]
    public async Task UpstreamSlow_Timeout()
    {
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = slow, endpoints = [ "{{upstream.Url}}" ], retry = { attempts = 1 } } ]
            routes = [ { id = r, path = "/{**rest}", upstream = slow, timeout = 300ms, {{Fallback}} } ]
            """);
        using var response = await gateway.Client.GetAsync("/slow/3000");
        await AssertFallbackAsync(response, "timeout");
    }

    [Fact]
    public async Task UpstreamAnswers5xx_Error_AndTheFallbackIsNeverCached()
    {
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = failing, endpoints = [ "{{upstream.Url}}" ], circuit-breaker = { consecutive-failures = 100 } } ]
            routes = [ { id = r, path = "/{**rest}", upstream = failing, cache = { default-ttl = 60s }, {{Fallback}} } ]
            """);
        for (var i = 0; i < 2; i++)
        {
            using var response = await gateway.Client.GetAsync("/status/500");
            await AssertFallbackAsync(response, "error");
            Assert.False(response.Headers.TryGetValues("X-Cache", out var cache) && cache.Single().StartsWith("HIT", StringComparison.Ordinal));
            Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        }
        // A 2xx on the same route is still the upstream's, and cached as usual.
        using var ok = await gateway.Client.GetAsync("/status/200");
        Assert.False(ok.Headers.Contains("X-Gateway-Fallback"));
    }

    [Fact]
    public async Task UpstreamAtCapacity_Shed_AndOnlyListedReasonsFallBack()
    {
        var slowArrived = 0;
        await using var upstream = await TestUpstream.StartAsync(context =>
        {
            if (context.Request.Path.StartsWithSegments("/slow")) Interlocked.Increment(ref slowArrived);
            return ScriptedUpstream.HandleAsync(context);
        });
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = tiny, endpoints = [ "{{upstream.Url}}" ], max-in-flight = 1, max-queued = 0 } ]
            routes = [
              { id = r, path = "/slow/{ms}", upstream = tiny, fallback = { status = 203, body = "busy", on = [ shed ] } }
              { id = other, path = "/status/{code}", upstream = tiny, fallback = { status = 203, body = "busy", on = [ shed ] } }
            ]
            """);
        // One in flight (seen by the upstream) and the one wait the pipeline allows; the next is shed. Three more slow
        // requests after the first is in flight: one takes the wait and the others are shed at once, so when the first of
        // them answers the wait is taken, and no probe can take it (a probe that did would wait 3 s and pass unshed).
        var first = gateway.Client.GetAsync("/slow/3000");
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref slowArrived) == 1), TimeSpan.FromSeconds(10));
        var waiting = Enumerable.Range(0, 3).Select(_ => gateway.Client.GetAsync("/slow/3000")).ToList();
        await Task.WhenAny(waiting);
        var busy = Task.WhenAll(waiting.Append(first));
        var seen = new List<string>();
        await Eventually.TrueAsync(async () =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var response = await gateway.Client.GetAsync("/slow/10");
            var body = await response.Content.ReadAsStringAsync();
            var reason = response.Headers.TryGetValues("X-Gateway-Fallback", out var r) ? r.Single() : "-";
            seen.Add($"{(int)response.StatusCode} {reason} '{body}' after {clock.ElapsedMilliseconds} ms");
            return response.StatusCode == HttpStatusCode.NonAuthoritativeInformation && reason == "shed" && body == "busy";
        }, TimeSpan.FromSeconds(10), () => "probes: " + string.Join(" | ", seen));
        foreach (var response in await busy) response.Dispose();
        // 'error' is not listed: an upstream 500 passes through unchanged.
        using var error = await gateway.Client.GetAsync("/status/500");
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.False(error.Headers.Contains("X-Gateway-Fallback"));
    }
}
