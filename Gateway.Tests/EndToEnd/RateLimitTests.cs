using System.Net;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>Route rate limits as a client sees them: RateLimit-* headers, 429 problems with Retry-After, keys kept apart.</summary>
[Trait("Category", "EndToEnd")]
public sealed class RateLimitTests
{
    [Fact]
    public async Task HeaderKeyedTokenBucket_FourthRequestIs429_OtherKeyUnaffected()
    {
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = u, endpoints = [ "{{upstream.Url}}" ] } ]
            routes = [ { id = limited, path = "/{**rest}", upstream = u, rate-limit { key = "header:X-Api-Key", limit = 3, period = 30s } } ]
            """);

        var remaining = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var ok = await Send(gateway, "alice");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("3", ok.Headers.GetValues("RateLimit-Limit").Single());
            remaining.Add(ok.Headers.GetValues("RateLimit-Remaining").Single());
        }
        Assert.Equal(["2", "1", "0"], remaining);

        using var refused = await Send(gateway, "alice");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.Equal("0", refused.Headers.GetValues("RateLimit-Remaining").Single());
        await ForwardingTests.AssertProblemAsync(refused, 429, "limited");

        using var bob = await Send(gateway, "bob");
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);

        var metrics = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Contains("gateway_rate_limited_total{route=\"limited\"} 1", metrics);
        Assert.Contains("gateway_rate_limit_admitted_total{route=\"limited\"} 4", metrics);
    }

    [Fact]
    public async Task SlidingWindowByClientIp_RefusesBeyondTheLimit()
    {
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = u, endpoints = [ "{{upstream.Url}}" ] } ]
            routes = [ { id = ip, path = "/{**rest}", upstream = u, rate-limit { algorithm = sliding-window, limit = 5, period = 30s } } ]
            """);

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await gateway.Client.GetAsync("/x");
            codes.Add(response.StatusCode);
        }
        Assert.Equal(5, codes.Count(c => c == HttpStatusCode.OK));
        Assert.Equal(3, codes.Count(c => c == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task ClusterScope_OnOneNode_HoldsTheWholeLimit()
    {
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = u, endpoints = [ "{{upstream.Url}}" ] } ]
            routes = [ { id = global, path = "/{**rest}", upstream = u, rate-limit { key = route, limit = 4, period = 60s, scope = cluster } } ]
            """);

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            using var response = await gateway.Client.GetAsync("/x");
            codes.Add(response.StatusCode);
        }
        Assert.Equal(4, codes.Count(c => c == HttpStatusCode.OK));
        Assert.Equal(3, codes.Count(c => c == HttpStatusCode.TooManyRequests));
    }

    private static Task<HttpResponseMessage> Send(TestGateway gateway, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/echo");
        request.Headers.Add("X-Api-Key", key);
        return gateway.Client.SendAsync(request);
    }
}
