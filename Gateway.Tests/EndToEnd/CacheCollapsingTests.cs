using System.Collections.Concurrent;
using System.Net;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Concurrent misses for one key whose leader fails or is too slow: exactly one waiting request takes its place, the
/// others keep waiting for that one, so the upstream never gets the whole crowd at once.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CacheCollapsingTests : IAsyncLifetime
{
    private const int Followers = 8;
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private TestUpstream _upstream = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        // The first request of a path is the bad one: /fail-first answers 500 after 1.5 s (not retried, unlike 502-504), /slow-first answers after 8 s;
        // every later request is answered at once with a storable response.
        _upstream = await TestUpstream.StartAsync(async context =>
        {
            var path = context.Request.Path.Value!;
            var n = _hits.AddOrUpdate(path, 1, (_, v) => v + 1);
            if (n == 1 && path.StartsWith("/fail-first", StringComparison.Ordinal))
            {
                await Task.Delay(1500);
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }
            if (n == 1 && path.StartsWith("/slow-first", StringComparison.Ordinal)) await Task.Delay(8000);
            context.Response.Headers.CacheControl = "public, max-age=60";
            await context.Response.WriteAsync($"{path} #{n}");
        });
        _gateway = await TestGateway.StartAsync($$"""
            cache.collapse-timeout = 4s
            upstreams = [ { name = u, endpoints = [ "{{_upstream.Url}}" ] } ]
            routes = [ { id = cached, path = "/{**rest}", upstream = u, cache { } } ]
            """);
        // Open the client's connections before the timed part.
        await Task.WhenAll(Enumerable.Range(0, Followers + 1).Select(i => _gateway.Client.GetAsync($"/warm/{i}")));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task LeaderFails_OneFollowerTakesOver_TheOthersGetItsResponse()
    {
        var (leader, followers) = await CrowdAsync("/fail-first/a");

        Assert.Equal(HttpStatusCode.InternalServerError, leader.Status);
        Assert.Equal(2, _hits["/fail-first/a"]);
        Assert.All(followers, f => Assert.Equal((HttpStatusCode.OK, "/fail-first/a #2"), (f.Status, f.Body)));
        Assert.Equal(1, followers.Count(f => f.Cache == "MISS"));
        Assert.Equal(Followers - 1, followers.Count(f => f.Cache == "COLLAPSED"));
    }

    [Fact]
    public async Task LeaderTooSlow_OneFollowerTakesOverAfterCollapseTimeout_NotEveryone()
    {
        var (leader, followers) = await CrowdAsync("/slow-first/b");

        Assert.Equal((HttpStatusCode.OK, "/slow-first/b #1"), (leader.Status, leader.Body));
        Assert.Equal(2, _hits["/slow-first/b"]);
        Assert.All(followers, f => Assert.Equal((HttpStatusCode.OK, "/slow-first/b #2"), (f.Status, f.Body)));
        Assert.Equal(Followers - 1, followers.Count(f => f.Cache == "COLLAPSED"));
    }

    // The leader's request first; once the upstream has it, the followers for the same key.
    private async Task<((HttpStatusCode Status, string Body, string? Cache) Leader, (HttpStatusCode Status, string Body, string? Cache)[] Followers)> CrowdAsync(string path)
    {
        var leader = GetAsync(path);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (_hits.GetValueOrDefault(path) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the leader never reached the upstream");
            await Task.Delay(10);
        }
        var followers = await Task.WhenAll(Enumerable.Range(0, Followers).Select(_ => GetAsync(path)));
        return (await leader, followers);
    }

    private async Task<(HttpStatusCode Status, string Body, string? Cache)> GetAsync(string path)
    {
        using var response = await _gateway.Client.GetAsync(path);
        var cache = response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : null;
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), cache);
    }
}
