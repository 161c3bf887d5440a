using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.EndToEnd.Security;

/// <summary>Client address rules, stripped internal headers and traversal refusal, as a client and the upstream see them.</summary>
[Trait("Category", "EndToEnd")]
public sealed class EdgeRulesTests : IAsyncLifetime
{
    private TestUpstream _upstream = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        // Loopback is a trusted proxy here: X-Forwarded-For from the test client is believed.
        _gateway = await TestGateway.StartAsync(Hocon(_upstream, trusted: true));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    internal static string Hocon(TestUpstream upstream, bool trusted) => $$"""
        trusted-proxies = [{{(trusted ? "\"127.0.0.1\"" : "")}}]
        ingress.strip-request-headers = ["X-Internal-*", "X-Gateway-User"]
        upstreams = [ { name = u, endpoints = [ "{{upstream.Url}}" ] } ]
        routes = [
          { id = deny, path = "/deny/{**rest}", upstream = u, ip-rules { deny = ["203.0.113.0/24", "2001:db8::/32"] } }
          { id = allow, path = "/allow/{**rest}", upstream = u, ip-rules { allow = ["10.0.0.0/8"] } }
          { id = open, path = "/open/{**rest}", upstream = u, rewrite { strip-prefix = "/open" } }
        ]
        """;

    [Theory]
    [InlineData("/deny/x", "203.0.113.9", HttpStatusCode.Forbidden)]
    [InlineData("/deny/x", "2001:db8::7", HttpStatusCode.Forbidden)]
    [InlineData("/deny/x", "198.51.100.1", HttpStatusCode.OK)]
    [InlineData("/allow/x", "10.1.2.3", HttpStatusCode.OK)]
    [InlineData("/allow/x", "198.51.100.1", HttpStatusCode.Forbidden)]
    [InlineData("/allow/x", null, HttpStatusCode.Forbidden)]
    public async Task IpRules_WithTrustedForwardedFor_JudgeTheForwardedClient(string path, string? forwardedFor, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await _gateway.Client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden) await ForwardingTests.AssertProblemAsync(response, 403, "client address");
    }

    [Fact]
    public async Task IpRules_WithUntrustedForwardedFor_JudgeThePeer()
    {
        await using var untrusted = await TestGateway.StartAsync(Hocon(_upstream, trusted: false));

        // The peer is 127.0.0.1: a spoofed denied address changes nothing, a spoofed allowed one opens nothing.
        using var spoofDenied = new HttpRequestMessage(HttpMethod.Get, "/deny/x") { Headers = { { "X-Forwarded-For", "203.0.113.9" } } };
        using var passed = await untrusted.Client.SendAsync(spoofDenied);
        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);

        using var spoofAllowed = new HttpRequestMessage(HttpMethod.Get, "/allow/x") { Headers = { { "X-Forwarded-For", "10.1.2.3" } } };
        using var refused = await untrusted.Client.SendAsync(spoofAllowed);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task InternalHeaders_FromTheClient_NeverReachTheUpstream()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/open/echo");
        request.Headers.Add("X-Internal-Role", "admin");
        request.Headers.Add("x-internal-tenant", "other");
        request.Headers.Add("X-Gateway-User", "root");
        request.Headers.Add("X-Client-Note", "kept");
        using var response = await _gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var headers = await UpstreamHeadersAsync(response);
        Assert.DoesNotContain(headers.Keys, k => k.StartsWith("X-Internal-", StringComparison.OrdinalIgnoreCase));
        Assert.False(headers.ContainsKey("X-Gateway-User"));
        Assert.Equal("kept", headers["X-Client-Note"]);
    }

    [Theory]
    [InlineData("/open/../../etc/passwd")]
    [InlineData("/%2e%2e/etc/passwd")]
    [InlineData("/open/%2E%2E/%2e%2e/x")]
    [InlineData("/open/.%2e/../x")]
    public async Task DotSegments_ClimbingAboveTheRoot_Are400(string path)
    {
        var response = await SendRawAsync(_gateway, $"GET {path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400", response);
        Assert.Contains("application/problem+json", response);
    }

    [Theory]
    [InlineData("/open/a/./b/../echo", "/a/echo")]
    [InlineData("/open/a/%2e/b/%2E%2E/echo", "/a/echo")]
    [InlineData("/deny/../open/x", "/x")]
    public async Task DotSegments_WithinTheRoot_AreResolvedAndOnlyTheResolvedPathIsForwarded(string path, string forwarded)
    {
        var response = await SendRawAsync(_gateway, $"GET {path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.Contains($"\"path\":\"{forwarded}\"", response);
    }

    internal static async Task<Dictionary<string, string>> UpstreamHeadersAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("headers").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.OrdinalIgnoreCase);
    }

    private static Task<string> SendRawAsync(TestGateway gateway, string request) =>
        RawHttpConnection.ExchangeAsync(gateway.IngressPort, request);
}
