using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>Paths are normalised before matching, ambiguous ones refused, and bodies held to a route's limit.</summary>
[Trait("Category", "EndToEnd")]
public sealed class RequestSafetyTests : IAsyncLifetime
{
    private TestUpstream _upstream = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        _gateway = await TestGateway.StartAsync($$"""
            upstreams = [ { name = u, endpoints = [ "{{_upstream.Url}}" ] } ]
            routes = [
              { id = strict, path = "/api/{**rest}", upstream = u, max-request-body-size = 1KB, rewrite { strip-prefix = "/api" } }
              { id = lenient, path = "/files/{**rest}", upstream = u, allow-encoded-slashes = true }
            ]
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task DuplicateSlashes_AreFoldedBeforeMatchingAndForwarding()
    {
        var response = await SendRawAsync("GET //api//echo///x?q=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.Contains("\"path\":\"/echo/x\"", response);
    }

    [Fact]
    public async Task DotSegments_CannotClimbOutOfTheRoute()
    {
        var response = await SendRawAsync("GET /api/../files/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        // Resolved to /files/x before matching: the lenient route gets it, unprefixed.
        Assert.Contains("\"path\":\"/files/x\"", response);
    }

    [Theory]
    [InlineData("/api/a%2Fb")]
    [InlineData("/api/a%2fb")]
    [InlineData("/api/a\\b")]
    [InlineData("/api/a%5Cb")]
    public async Task EncodedSlashOrBackslash_OnStrictRoute_Is400(string path)
    {
        var response = await SendRawAsync($"GET {path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400", response);
        Assert.Contains("encoded", response);
    }

    [Fact]
    public async Task EncodedSlash_OnRouteThatAllowsIt_IsForwardedEncoded()
    {
        var response = await SendRawAsync("GET /files/a%2Fb HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.Contains("\"path\":\"/files/a%2Fb\"", response);
    }

    [Fact]
    public async Task BodyOverRouteLimit_DeclaredOrChunked_Is413_SmallerPasses()
    {
        using var declared = await _gateway.Client.PostAsync("/api/upload", new ByteArrayContent(new byte[2000]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        await ForwardingTests.AssertProblemAsync(declared, 413, "1024 bytes");

        using var chunkedContent = new StreamContent(new PatternStream(5000, onRead: null));
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/upload") { Content = chunkedContent };
        chunked.Headers.TransferEncodingChunked = true;
        using var chunkedResponse = await _gateway.Client.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);

        using var small = await _gateway.Client.PostAsync("/api/upload", new ByteArrayContent(new byte[500]));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal("500", await small.Content.ReadAsStringAsync());
    }

    private Task<string> SendRawAsync(string request) => RawHttpConnection.ExchangeAsync(_gateway.IngressPort, request);
}
