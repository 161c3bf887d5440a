using System.Collections.Concurrent;
using System.Net;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>Fault-injecting upstreams on loopback drive retries, the breaker and health checks through real sockets.</summary>
[Trait("Category", "EndToEnd")]
public sealed class PolicyTests
{
    /// <summary>An upstream that answers <paramref name="status"/> and counts what it received.</summary>
    private static Task<TestUpstream> CountingAsync(ConcurrentQueue<string> log, string name, Func<HttpContext, int> status) =>
        TestUpstream.StartAsync(async context =>
        {
            log.Enqueue($"{name} {context.Request.Method} {context.Request.Path}");
            context.Response.StatusCode = status(context);
            await context.Response.WriteAsync($"{name}:{context.Response.StatusCode}");
        });

    [Fact]
    public async Task Get_DeadEndpoint_IsRetriedOnTheLiveOne_ThenTripped()
    {
        var log = new ConcurrentQueue<string>();
        await using var live = await CountingAsync(log, "live", _ => 200);
        var deadPort = FreePort.Next();
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ {
              name = pair
              endpoints = [ "http://127.0.0.1:{{deadPort}}", "{{live.Url}}" ]
              circuit-breaker { consecutive-failures = 3, base-ejection = 30s }
            } ]
            routes = [ { id = r, path = "/{**rest}", upstream = pair } ]
            """);

        for (var i = 0; i < 20; i++)
        {
            using var response = await gateway.Client.GetAsync($"/x/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("live:200", await response.Content.ReadAsStringAsync());
        }

        var metrics = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Contains($"gateway_endpoint_breaker_state{{upstream=\"pair\",endpoint=\"http://127.0.0.1:{deadPort}\"}} 1", metrics);
        Assert.Matches("gateway_retries_total\\{upstream=\"pair\"\\} [1-3]\\b", metrics);
    }

    [Fact]
    public async Task Upstream503_IdempotentIsRetriedElsewhere_PostIsNot()
    {
        var log = new ConcurrentQueue<string>();
        await using var failing = await CountingAsync(log, "failing", _ => 503);
        await using var good = await CountingAsync(log, "good", _ => 200);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ {
              name = flaky
              endpoints = [ "{{failing.Url}}", "{{good.Url}}" ]
              circuit-breaker { consecutive-failures = 1000 }
              retry { budget = 1 }
            } ]
            routes = [ { id = r, path = "/{**rest}", upstream = flaky } ]
            """);

        for (var i = 0; i < 4; i++)
        {
            using var get = await gateway.Client.GetAsync("/get");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("good:200", await get.Content.ReadAsStringAsync());
        }

        var posts = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var post = await gateway.Client.PostAsync("/post", new StringContent("x"));
            posts.Add(post.StatusCode);
        }
        // Round robin alternates the endpoints; the failing one's 503 reaches the client unretried.
        Assert.Contains(HttpStatusCode.ServiceUnavailable, posts);
        Assert.Contains(HttpStatusCode.OK, posts);
        Assert.Equal(2, log.Count(l => l == "failing POST /post"));
    }

    [Fact]
    public async Task AllEndpointsOpen_Answers503AtOnce_WithoutConnecting()
    {
        var log = new ConcurrentQueue<string>();
        await using var broken = await CountingAsync(log, "broken", _ => 500);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ {
              name = down
              endpoints = [ "{{broken.Url}}" ]
              circuit-breaker { consecutive-failures = 2, base-ejection = 30s }
            } ]
            routes = [ { id = r, path = "/{**rest}", upstream = down } ]
            """);

        using (var first = await gateway.Client.GetAsync("/a")) Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        using (var second = await gateway.Client.GetAsync("/a")) Assert.Equal(HttpStatusCode.InternalServerError, second.StatusCode);
        var seen = log.Count;

        using var shortCircuited = await gateway.Client.GetAsync("/a");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, shortCircuited.StatusCode);
        await ForwardingTests.AssertProblemAsync(shortCircuited, 503, "open or unhealthy");
        Assert.Equal(seen, log.Count);
    }

    [Fact]
    public async Task HealthCheck_FailingProbe_TakesEndpointOut_AndBackWhenItRecovers()
    {
        var log = new ConcurrentQueue<string>();
        var sick = true;
        await using var flapping = await CountingAsync(log, "flapping", c => c.Request.Path == "/health" && Volatile.Read(ref sick) ? 500 : 200);
        await using var steady = await CountingAsync(log, "steady", _ => 200);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ {
              name = checked
              endpoints = [ "{{flapping.Url}}", "{{steady.Url}}" ]
              health-check { path = "/health", interval = 100ms, timeout = 1s, unhealthy-threshold = 2, healthy-threshold = 2 }
            } ]
            routes = [ { id = r, path = "/app/{**rest}", upstream = checked } ]
            """);

        await WaitForMetricAsync(gateway, $"gateway_endpoint_healthy{{upstream=\"checked\",endpoint=\"{flapping.Url}\"}} 0");
        for (var i = 0; i < 6; i++)
        {
            using var response = await gateway.Client.GetAsync("/app/x");
            Assert.Equal("steady:200", await response.Content.ReadAsStringAsync());
        }

        Volatile.Write(ref sick, false);
        await WaitForMetricAsync(gateway, $"gateway_endpoint_healthy{{upstream=\"checked\",endpoint=\"{flapping.Url}\"}} 1");
        var bodies = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await gateway.Client.GetAsync("/app/y");
            bodies.Add(await response.Content.ReadAsStringAsync());
        }
        Assert.Contains("flapping:200", bodies);
    }

    [Fact]
    public async Task RetryBudget_SpentBudget_LetsThe503Through()
    {
        var log = new ConcurrentQueue<string>();
        await using var a = await CountingAsync(log, "a", _ => 503);
        await using var b = await CountingAsync(log, "b", _ => 503);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ {
              name = both-bad
              endpoints = [ "{{a.Url}}", "{{b.Url}}" ]
              circuit-breaker { consecutive-failures = 1000 }
              retry { attempts = 3, budget = 0 }
            } ]
            routes = [ { id = r, path = "/{**rest}", upstream = both-bad } ]
            upstream-defaults.retry.min-retries-per-second = 2
            """);

        var started = DateTime.UtcNow;
        for (var i = 0; i < 30; i++)
        {
            using var response = await gateway.Client.GetAsync("/z");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        var seconds = Math.Ceiling((DateTime.UtcNow - started).TotalSeconds) + 1;
        var retries = log.Count - 30;
        Assert.InRange(retries, 1, (int)(2 * seconds));
    }

    [Fact]
    public async Task OverallTimeout_Spent_NoFurtherRetry()
    {
        var log = new ConcurrentQueue<string>();
        await using var slow503 = await TestUpstream.StartAsync(async context =>
        {
            log.Enqueue("slow");
            await Task.Delay(600);
            context.Response.StatusCode = 503;
        });
        await using var good = await CountingAsync(log, "good", _ => 200);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ {
              name = slowpair
              endpoints = [ "{{slow503.Url}}", "{{good.Url}}" ]
              load-balancing = round-robin
              circuit-breaker { consecutive-failures = 1000 }
              retry { attempts = 3, budget = 1, overall-timeout = 300ms }
            } ]
            routes = [ { id = r, path = "/{**rest}", upstream = slowpair } ]
            """);

        // Whichever endpoint a request starts on, a 503 after 600 ms is past the 300 ms overall budget: no retry.
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await gateway.Client.GetAsync("/t");
            codes.Add(response.StatusCode);
        }
        Assert.Contains(HttpStatusCode.ServiceUnavailable, codes);
        Assert.Equal(4, log.Count);
    }

    private static async Task WaitForMetricAsync(TestGateway gateway, string line)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if ((await gateway.Admin.GetStringAsync("/metrics")).Contains(line)) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"metric line '{line}' not seen within 10 s");
    }
}
