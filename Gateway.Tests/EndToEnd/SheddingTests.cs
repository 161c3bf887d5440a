using System.Net;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>An upstream at capacity: what does not fit the in-flight bound and the queue is shed at once with 503.</summary>
[Trait("Category", "EndToEnd")]
public sealed class SheddingTests
{
    [Fact]
    public async Task Burst_BeyondInFlightAndQueue_IsShedWith503AndRetryAfter_RestServed()
    {
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = tiny, endpoints = [ "{{upstream.Url}}" ], max-in-flight = 1, max-queued = 1 } ]
            routes = [ { id = slow, path = "/slow/{ms}", upstream = tiny } ]
            shedding.retry-after = 3s
            """);

        var started = DateTime.UtcNow;
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => gateway.Client.GetAsync("/slow/1500")));
        try
        {
            var shed = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
            var served = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
            // One in flight plus one queued fit; a request still on its way from the queue into the stream may make the
            // queue look full a moment early, so one or two are served, and every other one is shed, none lost.
            Assert.InRange(served.Count, 1, 2);
            Assert.Equal(6 - served.Count, shed.Count);
            foreach (var response in shed)
            {
                Assert.Equal("3", response.Headers.GetValues("Retry-After").Single());
                await ForwardingTests.AssertProblemAsync(response, 503, "tiny");
            }
            // The served ones ran one after the other: the in-flight bound of 1 held.
            Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1.45 * served.Count));
        }
        finally
        {
            foreach (var r in responses) r.Dispose();
        }

        var metrics = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Contains("gateway_shed_total{upstream=\"tiny\"}", metrics);
    }

    [Fact]
    public async Task UnknownRouteAndWrongMethod_Answer404And405Problems()
    {
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = u, endpoints = [ "{{upstream.Url}}" ] } ]
            routes = [ { id = only-get, path = "/things/{id}", methods = [ GET, HEAD ], upstream = u } ]
            """);

        using var notFound = await gateway.Client.GetAsync("/nothing/here");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        await ForwardingTests.AssertProblemAsync(notFound, 404, "/nothing/here");

        using var wrongMethod = await gateway.Client.DeleteAsync("/things/1");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(["GET", "HEAD"], wrongMethod.Content.Headers.Allow.Order());
        await ForwardingTests.AssertProblemAsync(wrongMethod, 405, "DELETE");
    }
}
