using System.Net;
using Gateway.Actors.Ops;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// An upstream with one live endpoint and one that refuses connections: a request that was never sent goes to the
/// other endpoint, for any method, at low and at high rates; the failures are logged once per endpoint, not per try.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class UpstreamFailoverTests : IAsyncLifetime
{
    private TestUpstream _upstream = null!;
    private TestGateway _gateway = null!;
    private readonly int _refusing = FreePort.Next();

    public async Task InitializeAsync()
    {
        _upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        _gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = pair, endpoints = [ "http://127.0.0.1:{{_refusing}}", "{{_upstream.Url}}" ] } ]
            routes = [ { id = pair, path = "/{**rest}", upstream = pair } ]
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task SequentialGets_OneEndpointRefusing_AllAnswered200()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            using var response = await _gateway.Client.GetAsync($"/status/200?i={i}");
            statuses.Add(response.StatusCode);
        }
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task ConcurrentRequests_OneEndpointRefusing_AllAnswered200()
    {
        var statuses = await Task.WhenAll(Enumerable.Range(0, 16).Select(async worker =>
        {
            var mine = new List<HttpStatusCode>();
            for (var i = 0; i < 40; i++)
            {
                using var response = await _gateway.Client.GetAsync($"/status/200?w={worker}&i={i}");
                mine.Add(response.StatusCode);
            }
            return mine;
        }));
        Assert.All(statuses.SelectMany(s => s), s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task PostWithBody_NeverSent_GoesToTheOtherEndpoint()
    {
        for (var i = 0; i < 10; i++)
        {
            using var response = await _gateway.Client.PostAsync("/upload", new StringContent("payload-" + i));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task RefusedTries_AreLoggedOncePerEndpoint_NotPerTry()
    {
        var logs = _gateway.Services.GetRequiredService<LogBuffer>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await _gateway.Client.GetAsync($"/status/200?i={i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // The forwarder's own warnings and the gateway's failure log; the breaker's "opened" line is another matter.
        var failures = logs.Peek(logs.Capacity).Where(e => e.Level is "Warning" or "Error"
            && (e.Source.Contains("Yarp", StringComparison.Ordinal) || e.Source.EndsWith("UpstreamFailureLog", StringComparison.Ordinal))).ToList();
        var failure = Assert.Single(failures);
        Assert.Contains($"127.0.0.1:{_refusing}", failure.Message);
        Assert.Contains("Connection refused", failure.Message);
    }
}
