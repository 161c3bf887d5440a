using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>What a client of the gateway sees, through real sockets: routing, rewrites, headers, errors, streaming, upgrades.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ForwardingTests(ForwardingFixture fixture) : IClassFixture<ForwardingFixture>
{
    private HttpClient Client => fixture.Gateway.Client;

    [Fact]
    public async Task Get_StripPrefixRoute_ForwardsRewrittenPathAndQuery()
    {
        using var response = await Client.GetAsync("/api/echo/hello?x=1&y=%20z");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await ScriptedUpstream.ReadEchoAsync(response);
        Assert.Equal("/echo/hello", echo.Path);
        Assert.Equal("?x=1&y=%20z", echo.Query);
        Assert.Equal("GET", echo.Method);
    }

    [Fact]
    public async Task Get_AnyRoute_SetsForwardedHeadersAndUpstreamHost()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/echo/fwd");
        request.Headers.Host = "shop.example.org:8443";
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var response = await Client.SendAsync(request);
        var echo = await ScriptedUpstream.ReadEchoAsync(response);
        Assert.Equal("203.0.113.9, 127.0.0.1", echo.Header("X-Forwarded-For"));
        Assert.Equal("http", echo.Header("X-Forwarded-Proto"));
        Assert.Equal("shop.example.org:8443", echo.Header("X-Forwarded-Host"));
        Assert.Equal($"127.0.0.1:{fixture.Upstream.Port}", echo.Header("Host"));
    }

    [Fact]
    public async Task Get_HeaderTransforms_AddAndRemoveOnRequestAndResponse()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/echo/h");
        request.Headers.Add("X-Secret", "do-not-forward");
        using var response = await Client.SendAsync(request);
        var echo = await ScriptedUpstream.ReadEchoAsync(response);
        Assert.Equal("1", echo.Header("X-Added"));
        Assert.Null(echo.Header("X-Secret"));
        Assert.Equal("yes", response.Headers.GetValues("X-Resp").Single());
        Assert.False(response.Headers.Contains("X-Upstream-Internal"));
        Assert.Equal("scripted", response.Headers.GetValues("X-Upstream").Single());
    }

    [Fact]
    public async Task Get_WithoutRequestId_GeneratesOneAndReturnsIt()
    {
        using var response = await Client.GetAsync("/api/echo/id");
        var echo = await ScriptedUpstream.ReadEchoAsync(response);
        var sent = echo.Header("X-Request-Id");
        Assert.False(string.IsNullOrEmpty(sent));
        Assert.Equal(sent, response.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task Get_WithRequestIdAndTraceparent_PassesBothOn()
    {
        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/echo/trace");
        request.Headers.Add("X-Request-Id", "client-id-42");
        request.Headers.Add("traceparent", traceparent);
        using var response = await Client.SendAsync(request);
        var echo = await ScriptedUpstream.ReadEchoAsync(response);
        Assert.Equal("client-id-42", echo.Header("X-Request-Id"));
        // Same trace; the parent span is the client's, or the gateway's upstream span when tracing is on.
        Assert.Matches("^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$", echo.Header("traceparent"));
        Assert.Equal("client-id-42", response.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task Get_WithoutTraceparent_StartsAValidOne()
    {
        using var response = await Client.GetAsync("/api/echo/trace-new");
        var echo = await ScriptedUpstream.ReadEchoAsync(response);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", echo.Header("traceparent"));
    }

    [Theory]
    [InlineData("/items/42", "GET", "/echo/item/42")]
    [InlineData("/items/abc", "GET", "/echo/named/abc")]
    [InlineData("/items/42", "POST", "/echo/named/42")]
    [InlineData("/other/path", "GET", "/other/path")]
    public async Task Request_Routes_ByConstraintMethodAndPriority(string path, string method, string expectedUpstreamPath)
    {
        using var response = await Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var echo = await ScriptedUpstream.ReadEchoAsync(response);
        Assert.Equal(expectedUpstreamPath, echo.Path);
    }

    [Theory]
    [InlineData("tenant.example.com", "/a/b", "/echo/tenant/a/b")]
    [InlineData("TENANT.example.com:9999", "/x", "/echo/tenant/x")]
    [InlineData("eu.wild.test", "/y", "/echo/wild/y")]
    [InlineData("other.example.com", "/echo/z", "/echo/z")]
    public async Task Request_Routes_ByHost(string host, string path, string expectedUpstreamPath)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        using var response = await Client.SendAsync(request);
        var echo = await ScriptedUpstream.ReadEchoAsync(response);
        Assert.Equal(expectedUpstreamPath, echo.Path);
    }

    [Fact]
    public async Task Get_UpstreamStatus_PassesThroughUnchanged()
    {
        using var response = await Client.GetAsync("/api/status/418");
        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal("status 418", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_DeadUpstream_Answers502ProblemWithRequestId()
    {
        using var response = await Client.GetAsync("/dead/anything");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        await AssertProblemAsync(response, 502, "dead");
    }

    [Fact]
    public async Task Get_SlowUpstream_Answers504AfterTimeout()
    {
        using var response = await Client.GetAsync("/slow/3000");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        await AssertProblemAsync(response, 504, "slowpoke");
    }

    [Fact]
    public async Task Get_FastEnoughOnTimedRoute_Answers200()
    {
        using var response = await Client.GetAsync("/slow/10");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Upload_100MB_StreamsThroughWithFlatMemory()
    {
        const long size = 100L * 1024 * 1024;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var content = new StreamContent(new PatternStream(size, onRead: () => peak = Math.Max(peak, GC.GetTotalMemory(false))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await Client.PostAsync("/api/upload", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(size.ToString(), await response.Content.ReadAsStringAsync());
        // Upstream, gateway and client share this process: all of them together must not hold the body.
        Assert.True(peak - before < 48L * 1024 * 1024, $"managed heap grew by {(peak - before) / 1024 / 1024} MB while uploading 100 MB");
    }

    [Fact]
    public async Task Download_100MB_StreamsThroughWithFlatMemory()
    {
        const long size = 100L * 1024 * 1024;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0, total = 0;
        using var response = await Client.GetAsync($"/api/download/{size}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
            peak = Math.Max(peak, GC.GetTotalMemory(false));
        }
        Assert.Equal(size, total);
        Assert.True(peak - before < 48L * 1024 * 1024, $"managed heap grew by {(peak - before) / 1024 / 1024} MB while downloading 100 MB");
    }

    [Fact]
    public async Task Post_ChunkedBody_ArrivesWhole()
    {
        using var content = new StreamContent(new PatternStream(300_000, onRead: null));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/upload") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await Client.SendAsync(request);
        Assert.Equal("300000", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WebSocket_Upgrade_IsProxiedBothWays()
    {
        using var socket = new ClientWebSocket();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{fixture.Gateway.IngressPort}/api/ws"), cts.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("ping over the gateway"), WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[256];
        var result = await socket.ReceiveAsync(buffer, cts.Token);
        Assert.Equal("ping over the gateway", Encoding.UTF8.GetString(buffer, 0, result.Count));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
    }

    [Fact]
    public async Task Http2Client_OnH2cPort_IsServedAndForwarded()
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await client.GetAsync($"http://127.0.0.1:{fixture.Gateway.H2cPort}/api/echo/h2");
        Assert.Equal(HttpVersion.Version20, response.Version);
        var echo = await ScriptedUpstream.ReadEchoAsync(response);
        Assert.Equal("/echo/h2", echo.Path);
    }

    [Fact]
    public async Task MalformedRequest_Gets400_AndNodeKeepsServing()
    {
        var answer = await RawHttpConnection.ExchangeAsync(fixture.Gateway.IngressPort,
            "GET /api/echo HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n", headOnly: true);
        Assert.StartsWith("HTTP/1.1 400", answer);

        using var response = await Client.GetAsync("/api/echo/still-alive");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_CountRequestsByRouteAndStatusClass()
    {
        using (await Client.GetAsync("/api/status/503")) { }
        var metrics = await fixture.Gateway.Admin.GetStringAsync("/metrics");
        Assert.Contains("gateway_requests_total{route=\"api\",upstream=\"main\",code=\"5xx\"}", metrics);
        Assert.Contains("gateway_request_duration_seconds_bucket{route=\"api\"", metrics);
        Assert.Contains("gateway_upstream_in_flight{upstream=\"main\"}", metrics);
    }

    [Fact]
    public async Task Readyz_OnReadyNode_Is200WithRouteCount()
    {
        using var response = await fixture.Gateway.Admin.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(8, json.RootElement.GetProperty("routes").GetInt32());
    }

    [Fact]
    public async Task AdminEndpoints_AreNotServedOnIngress()
    {
        using var response = await Client.GetAsync("/readyz");
        // The ingress routes /readyz like any path: the catch-all route sends it upstream, not to the admin API.
        var echo = await ScriptedUpstream.ReadEchoAsync(response);
        Assert.Equal("/readyz", echo.Path);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, int status, string mention)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(status, json.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(mention, json.RootElement.GetProperty("detail").GetString());
        var requestId = json.RootElement.GetProperty("requestId").GetString();
        Assert.False(string.IsNullOrEmpty(requestId));
        Assert.Equal(requestId, response.Headers.GetValues("X-Request-Id").Single());
    }
}
