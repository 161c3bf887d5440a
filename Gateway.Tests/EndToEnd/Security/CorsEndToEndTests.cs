using System.Net;
using Xunit;

namespace Gateway.Tests.EndToEnd.Security;

/// <summary>CORS as a browser sees it: preflights answered by the gateway, actual responses carrying the headers.</summary>
[Trait("Category", "EndToEnd")]
public sealed class CorsEndToEndTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private async Task<HttpResponseMessage> Preflight(string origin, string method, string? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/cors/echo");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        if (headers is not null) request.Headers.Add("Access-Control-Request-Headers", headers);
        return await fixture.Gateway.Client.SendAsync(request);
    }

    [Fact]
    public async Task Preflight_Allowed_Is204AtTheGateway_WithoutTouchingTheUpstream()
    {
        var before = fixture.UpstreamHits;
        using var response = await Preflight("https://a.example.org", "POST", "content-type, authorization");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("https://a.example.org", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        Assert.Equal("GET, POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("Content-Type, Authorization", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Equal("600", response.Headers.GetValues("Access-Control-Max-Age").Single());
        Assert.Contains("Origin", string.Join(",", response.Headers.Vary));
        Assert.Equal(before, fixture.UpstreamHits);
    }

    [Theory]
    [InlineData("https://evil.example.com", "GET", null)]
    [InlineData("https://app.example.com", "GET", "X-Not-Allowed")]
    public async Task Preflight_Refused_Is403WithoutCorsHeaders(string origin, string method, string? headers)
    {
        var before = fixture.UpstreamHits;
        using var response = await Preflight(origin, method, headers);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        await ForwardingTests.AssertProblemAsync(response, 403, "not allowed");
        Assert.Equal(before, fixture.UpstreamHits);
    }

    [Fact]
    public async Task Actual_AllowedOrigin_GetsCorsHeaders_OtherOriginNone()
    {
        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/cors/echo") { Headers = { { "Origin", "https://app.example.com" } } };
        using var ok = await fixture.Gateway.Client.SendAsync(allowed);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("https://app.example.com", ok.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("X-Upstream", ok.Headers.GetValues("Access-Control-Expose-Headers").Single());
        Assert.Contains("Origin", string.Join(",", ok.Headers.Vary));

        using var other = new HttpRequestMessage(HttpMethod.Get, "/cors/echo") { Headers = { { "Origin", "https://evil.test" } } };
        using var plain = await fixture.Gateway.Client.SendAsync(other);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.False(plain.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
