using System.Collections.Concurrent;
using System.Net;
using System.Diagnostics;
using System.Text.Json;
using Gateway.Actors.Observability;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>Access log events and trace spans, as an operator would look for them.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ObservabilityTests
{
    [Fact]
    public async Task MetricSeries_OfADeletedRouteAndUpstream_AreRemoved()
    {
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        await using var gateway = await TestGateway.StartAsync("""
            upstreams = []
            routes = []
            """);
        static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
        using (var put = await gateway.Admin.PutAsync("/admin/upstreams/series-up", Json($$"""{"endpoints":["{{upstream.Url}}"]}""")))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using (var put = await gateway.Admin.PutAsync("/admin/routes/series-route", Json("""{"path":"/series/{**rest}","upstream":"series-up"}""")))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        await Eventually.TrueAsync(async () =>
        {
            using var response = await gateway.Client.GetAsync("/series/status/200");
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(10));
        var before = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Contains("route=\"series-route\"", before);
        Assert.Contains("upstream=\"series-up\"", before);

        using (var delete = await gateway.Admin.DeleteAsync("/admin/routes/series-route")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var delete = await gateway.Admin.DeleteAsync("/admin/upstreams/series-up")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        // A gone route or upstream leaves no series behind: label values from admin edits cannot pile up in /metrics.
        var after = "";
        await Eventually.TrueAsync(async () =>
        {
            after = await gateway.Admin.GetStringAsync("/metrics");
            return !after.Contains("series-route", StringComparison.Ordinal) && !after.Contains("series-up", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10), () => "still exported: " + string.Join(" | ", after.Split('\n').Where(l => l.Contains("series-"))));
    }

    [Fact]
    public async Task AccessLog_ToFile_OneJsonEventPerRequest_WithRouteStatusAndIds()
    {
        var dir = Directory.CreateTempSubdirectory("gateway-access-");
        try
        {
            await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
            await using (var gateway = await TestGateway.StartAsync($$"""
                upstreams = [ { name = u, endpoints = [ "{{upstream.Url}}" ] } ]
                routes = [ { id = logged, path = "/{**rest}", upstream = u } ]
                access-log { enabled = on, path = "{{Path.Combine(dir.FullName, "access-.log").Replace("\\", "/")}}" }
                """))
            {
                using var ok = await gateway.Client.GetAsync("/status/201");
                using var missing = await gateway.Client.PostAsync("/status/404", new StringContent("abc"));
                var requestId = ok.Headers.GetValues("X-Request-Id").Single();

                var lines = await ReadLinesAsync(dir, expected: 2);
                var first = lines.Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.GetProperty("RequestId").GetString() == requestId);
                Assert.Equal("GET", first.GetProperty("Method").GetString());
                Assert.Equal("logged", first.GetProperty("RouteId").GetString());
                Assert.Equal(201, first.GetProperty("Status").GetInt32());
                Assert.Equal(upstream.Url, first.GetProperty("Endpoint").GetString());
                Assert.Matches("^[0-9a-f]{32}$", first.GetProperty("TraceId").GetString());
                Assert.True(first.GetProperty("DurationMs").GetDouble() >= 0);
                Assert.Contains(lines, l => l.Contains("\"Status\":404") && l.Contains("\"RequestBytes\":3"));
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task CacheHit_WithoutRequestId_AnswersAndLogsTheSameOneId()
    {
        var dir = Directory.CreateTempSubdirectory("gateway-access-");
        try
        {
            await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
            await using (var gateway = await TestGateway.StartAsync($$"""
                upstreams = [ { name = u, endpoints = [ "{{upstream.Url}}" ] } ]
                routes = [ { id = cached, path = "/{**rest}", upstream = u, cache { default-ttl = 30s } } ]
                access-log { enabled = on, path = "{{Path.Combine(dir.FullName, "access-.log").Replace("\\", "/")}}" }
                """))
            {
                using var miss = await gateway.Client.GetAsync("/status/200");
                using var hit = await gateway.Client.GetAsync("/status/200");
                Assert.Equal("HIT", hit.Headers.GetValues("X-Cache").Single());
                var answered = hit.Headers.GetValues("X-Request-Id").Single();

                var lines = await ReadLinesAsync(dir, expected: 2);
                var ids = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("RequestId").GetString()).ToList();
                Assert.Contains(answered, ids);
                Assert.Contains(miss.Headers.GetValues("X-Request-Id").Single(), ids);
                Assert.Equal(2, ids.Distinct().Count());
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Tracing_IngressAndUpstreamSpans_ContinueTheClientsTrace()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GatewayTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = traced-upstream, endpoints = [ "{{upstream.Url}}" ] } ]
            routes = [ { id = traced, path = "/{**rest}", upstream = traced-upstream } ]
            """);
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/traced");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        using var response = await gateway.Client.SendAsync(request);
        var echo = await ScriptedUpstream.ReadEchoAsync(response);

        // The spans end after the response body is written, so possibly after the client read it: wait for them to stop.
        List<Activity> Ours() => spans.Where(s => s.TraceId.ToHexString() == traceId).ToList();
        await Eventually.TrueAsync(() => Ours().Any(s => s.OperationName == "ingress") && Ours().Any(s => s.OperationName == "upstream"),
            TimeSpan.FromSeconds(10), () => $"spans stopped so far: {string.Join(", ", Ours().Select(s => s.OperationName))}");
        var ours = Ours();
        var ingress = Assert.Single(ours, s => s.OperationName == "ingress");
        var upstreamSpan = Assert.Single(ours, s => s.OperationName == "upstream");
        Assert.Equal(ActivityKind.Server, ingress.Kind);
        Assert.Equal("00f067aa0ba902b7", ingress.ParentSpanId.ToHexString());
        Assert.Equal(ingress.SpanId, upstreamSpan.ParentSpanId);
        Assert.Equal("traced", ingress.GetTagItem("gateway.route"));
        Assert.Equal(200, upstreamSpan.GetTagItem("http.response.status_code"));
        // The upstream sees the upstream span as its parent.
        Assert.Equal($"00-{traceId}-{upstreamSpan.SpanId.ToHexString()}-01", echo.Header("traceparent"));
    }

    [Fact]
    public async Task Tracing_WithOtlpEndpoint_ExportsSpans()
    {
        var exports = new ConcurrentQueue<string>();
        await using var collector = await TestUpstream.StartAsync(context =>
        {
            exports.Enqueue($"{context.Request.Method} {context.Request.Path} {context.Request.ContentType}");
            return Task.CompletedTask;
        });
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        await using var gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = u, endpoints = [ "{{upstream.Url}}" ] } ]
            routes = [ { id = exported, path = "/{**rest}", upstream = u } ]
            tracing { otlp-endpoint = "{{collector.Url}}/v1/traces", otlp-protocol = http-protobuf }
            """);
        using (await gateway.Client.GetAsync("/echo/otlp")) { }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (exports.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Contains(exports, e => e.StartsWith("POST /v1/traces application/x-protobuf", StringComparison.Ordinal));
    }

    private static async Task<List<string>> ReadLinesAsync(DirectoryInfo dir, int expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var lines = new List<string>();
            foreach (var file in dir.GetFiles("access-*.log"))
            {
                await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync() is { } line)
                {
                    if (line.Length > 0) lines.Add(line);
                }
            }
            if (lines.Count >= expected || DateTime.UtcNow > deadline) return lines;
            await Task.Delay(100);
        }
    }
}
