using System.Net;
using Microsoft.AspNetCore.Http;
using Gateway.Actors.Ingress;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Gateway.Tests.Node.Hosting;

/// <summary>
/// The warm-up pass before the ingress opens (issue 12, cold start): it runs over a loopback listener of the node before
/// the node reports ready, and leaves nothing a user sees: no request reaches a real upstream, no access-log entry, no
/// metric series, no rate-limit budget spent, and its listener is gone.
/// </summary>
public sealed class IngressWarmupTests
{
    [Fact]
    public async Task Node_ReportsReadyOnlyAfterTheWarmUpPass_AndThePassLeavesNoTrace()
    {
        var upstreamRequests = 0;
        await using var upstream = await TestUpstream.StartAsync(context =>
        {
            Interlocked.Increment(ref upstreamRequests);
            return context.Response.WriteAsync("ok");
        });
        var accessLog = Path.Combine(Path.GetTempPath(), $"gateway-warmup-{Guid.NewGuid():N}.log");
        try
        {
            // A pass long enough that a node opening its ingress without waiting for it would be seen ready while it runs.
            await using var gateway = await TestGateway.StartAsync($$"""
                warm-up { duration = 3s, quiet = 0s, connections = 4, batch = 5, pause = 50ms }
                access-log { enabled = on, sample-rate = 1.0, path = "{{accessLog.Replace("\\", "/")}}", flush-interval = 100ms }
                upstreams = [ { name = svc, endpoints = [ "{{upstream.Url}}" ] } ]
                routes = [ { id = warm-up-test-api, path = "/{**rest}", upstream = svc, rate-limit { limit = 100, period = 1m } } ]
                """, waitUntilReady: false);
            var warmup = gateway.Services.GetRequiredService<IngressWarmup>();

            // The first moment /readyz answers 200, the pass has run to its end, every request answered by its sink.
            await Eventually.TrueAsync(async () =>
            {
                using var ready = await gateway.Admin.GetAsync("/readyz");
                return ready.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(60), () => "the node never reported ready", TimeSpan.FromMilliseconds(20));
            Assert.True(warmup.Completed, "the node reported ready before the warm-up pass ended");
            Assert.True(warmup.Requests >= 20, $"the pass sent {warmup.Requests} requests");
            Assert.Equal(0, warmup.Failed);
            Assert.True(warmup.Elapsed >= TimeSpan.FromSeconds(2.5), $"the pass took {warmup.Elapsed}");

            // It ran over a real listener of the node, on loopback, which is closed now.
            Assert.NotEqual(0, warmup.Port);
            Assert.NotEqual(gateway.IngressPort, warmup.Port);
            using (var probe = new System.Net.Sockets.TcpClient())
            {
                var refused = await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, warmup.Port));
                Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, refused.SocketErrorCode);
            }

            // Nothing reached the real upstream, and no series of the pass is left in /metrics.
            Assert.Equal(0, Volatile.Read(ref upstreamRequests));
            var metrics = await gateway.Admin.GetStringAsync("/metrics");
            Assert.DoesNotContain($"\"{warmup.Name}\"", metrics);

            // The first real request is the route's first: its full budget, one upstream request, one access-log entry.
            using var response = await gateway.Client.GetAsync("/hello");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("99", response.Headers.GetValues("RateLimit-Remaining").Single());
            Assert.Equal(1, Volatile.Read(ref upstreamRequests));
            metrics = await gateway.Admin.GetStringAsync("/metrics");
            Assert.Contains("gateway_requests_total{route=\"warm-up-test-api\",upstream=\"svc\",code=\"2xx\"} 1", metrics);
            var lines = await Eventually.MatchAsync(() => Task.FromResult(ReadLines(accessLog)), l => l.Length >= 1, TimeSpan.FromSeconds(10),
                l => $"{l?.Length ?? 0} access-log lines");
            Assert.Single(lines);
            Assert.Contains("/hello", lines[0]);
        }
        finally
        {
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileNameWithoutExtension(accessLog) + "*")) File.Delete(file);
        }
    }

    [Fact]
    public async Task Stop_DuringThePass_EndsItAndStopsPromptly_WithoutOpeningTheIngress()
    {
        await using var upstream = await TestUpstream.StartAsync(context => context.Response.WriteAsync("ok"));
        var gateway = await TestGateway.StartAsync($$"""
            warm-up { duration = 60s, quiet = 0s, connections = 4, batch = 5, pause = 50ms }
            upstreams = [ { name = svc, endpoints = [ "{{upstream.Url}}" ] } ]
            routes = [ { id = api, path = "/{**rest}", upstream = svc } ]
            """, waitUntilReady: false);
        var warmup = gateway.Services.GetRequiredService<IngressWarmup>();
        var ingress = gateway.Services.GetRequiredService<Gateway.Node.Hosting.IngressConnections>();
        try
        {
            await Eventually.TrueAsync(() => warmup.Port != 0, TimeSpan.FromSeconds(60), () => "the pass never started");
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }

        // A stop (SIGTERM) while the pass runs: it ends at once, the ingress never opens, the node stops well within its
        // 60 s pass; the pass's listener is closed.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await gateway.DisposeAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the stop took {clock.Elapsed}");
        Assert.False(ingress.IsOpen);
        using var probe = new System.Net.Sockets.TcpClient();
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, warmup.Port));
    }

    [Fact]
    public async Task WarmUp_Off_OpensTheIngressWithoutAPass()
    {
        await using var upstream = await TestUpstream.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var gateway = await TestGateway.StartAsync($$"""
            warm-up.duration = 0s
            upstreams = [ { name = svc, endpoints = [ "{{upstream.Url}}" ] } ]
            routes = [ { id = api, path = "/{**rest}", upstream = svc } ]
            """);
        var warmup = gateway.Services.GetRequiredService<IngressWarmup>();
        Assert.True(warmup.Completed);
        Assert.Equal(0, warmup.Requests);
        using var response = await gateway.Client.GetAsync("/hello");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // The file sink rolls daily: the path gets the date before its extension.
    private static string[] ReadLines(string accessLog)
    {
        var files = Directory.GetFiles(Path.GetDirectoryName(accessLog)!, Path.GetFileNameWithoutExtension(accessLog) + "*");
        return files.SelectMany(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }).ToArray();
    }
}
