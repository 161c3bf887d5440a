using System.Net;
using System.Net.Http.Headers;
using Gateway.Tests.Actors.Security;
using Xunit;

namespace Gateway.Tests.EndToEnd.Security;

/// <summary>JWT and API key policies as a client and the upstream see them.</summary>
[Trait("Category", "EndToEnd")]
public sealed class AuthEndToEndTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private async Task<HttpResponseMessage> Get(string path, string? bearer = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return await fixture.Gateway.Client.SendAsync(request);
    }

    [Fact]
    public async Task Jwt_Missing_Is401WithChallenge_AndNeverReachesTheUpstream()
    {
        var before = fixture.UpstreamHits;
        using var response = await Get("/jwt/echo");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"gateway\"", response.Headers.WwwAuthenticate.ToString());
        await ForwardingTests.AssertProblemAsync(response, 401, "partner-jwt");
        Assert.Equal(before, fixture.UpstreamHits);
    }

    [Fact]
    public async Task Jwt_ExpiredOrWrongAudience_Is401InvalidToken()
    {
        using var expired = await Get("/jwt/echo", TestTokens.Mint(fixture.Keys.Rsa, expires: DateTime.UtcNow.AddMinutes(-5)));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("error=\"invalid_token\"", expired.Headers.WwwAuthenticate.ToString());
        await ForwardingTests.AssertProblemAsync(expired, 401, "expired");

        using var audience = await Get("/jwt/echo", TestTokens.Mint(fixture.Keys.Ec, audience: "other"));
        Assert.Equal(HttpStatusCode.Unauthorized, audience.StatusCode);
        await ForwardingTests.AssertProblemAsync(audience, 401, "audience");
    }

    [Fact]
    public async Task Jwt_Valid_ForwardsClaimHeaders_AndSpoofedOnesNeverArrive()
    {
        // The token has sub but no tier: the client's X-Gateway-Tier must not pass either.
        var token = TestTokens.Mint(fixture.Keys.Ec, claims: new Dictionary<string, object> { ["scope"] = "read" });
        using var response = await Get("/jwt/echo", token, ("X-Gateway-User", "root"), ("X-Gateway-Tier", "platinum"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = await EdgeRulesTests.UpstreamHeadersAsync(response);
        Assert.Equal("user-42", headers["X-Gateway-User"]);
        Assert.False(headers.ContainsKey("X-Gateway-Tier"));
    }

    [Fact]
    public async Task Jwt_Hs256FromEnvironmentSecret_IsAccepted_RsaTokenIsNot()
    {
        using var ok = await Get("/hs/echo", TestTokens.Mint(TestTokens.Hmac));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var refused = await Get("/hs/echo", TestTokens.Mint(fixture.Keys.Rsa));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task ApiKey_MissingWrongRight_AndRateLimitedPerKey()
    {
        using var missing = await Get("/keys/echo");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("ApiKey header=\"X-Api-Key\"", missing.Headers.WwwAuthenticate.ToString());
        await ForwardingTests.AssertProblemAsync(missing, 401, "X-Api-Key");

        using var wrong = await Get("/keys/echo", null, ("X-Api-Key", "key-mallory"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var alice = await Get("/keys/echo", null, ("X-Api-Key", "key-alice"), ("X-Gateway-Client", "bob"));
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        var headers = await EdgeRulesTests.UpstreamHeadersAsync(alice);
        Assert.Equal("alice", headers["X-Gateway-Client"]);
        Assert.Equal("gold", headers["X-Gateway-Tier"]);

        // key = api-key: alice has 2 per minute whatever her address; bob his own 2.
        using var alice2 = await Get("/keys/echo", null, ("X-Api-Key", "key-alice"));
        using var alice3 = await Get("/keys/echo", null, ("X-Api-Key", "key-alice"));
        Assert.Equal(HttpStatusCode.OK, alice2.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, alice3.StatusCode);
        using var bob = await Get("/keys/echo", null, ("X-Api-Key", "key-bob"));
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
    }

    [Fact]
    public async Task JwksFile_Rotated_NewKeyAcceptedAfterRefresh_OldKeyRefused()
    {
        var next = new TestTokens();
        var before = await Get("/jwt/echo", TestTokens.Mint(next.Rsa));
        Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        before.Dispose();
        var oldToken = TestTokens.Mint(fixture.Keys.Rsa);

        await File.WriteAllTextAsync(fixture.JwksFile, TestTokens.Jwks(next.Rsa, fixture.Keys.Ec));
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            HttpStatusCode status;
            do
            {
                await Task.Delay(100);
                using var attempt = await Get("/jwt/echo", TestTokens.Mint(next.Rsa));
                status = attempt.StatusCode;
            }
            while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);
            Assert.Equal(HttpStatusCode.OK, status);

            using var old = await Get("/jwt/echo", oldToken);
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }
        finally
        {
            await File.WriteAllTextAsync(fixture.JwksFile, TestTokens.Jwks(fixture.Keys.Rsa, fixture.Keys.Ec));
        }
    }

    [Fact]
    public async Task AdminApi_RouteNamingAnUnknownPolicyOrBadCidr_Is400NamingTheField()
    {
        using var unknown = await fixture.Gateway.Admin.PutAsync("/admin/routes/x",
            new StringContent("""{"path":"/x","upstream":"u","auth":"nope"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var body = await unknown.Content.ReadAsStringAsync();
        Assert.Contains("\"field\":\"auth\"", body);
        Assert.Contains("nope", body);

        using var cidr = await fixture.Gateway.Admin.PutAsync("/admin/routes/y",
            new StringContent("""{"path":"/y","upstream":"u","ipRules":{"deny":["10.0.0.0/33"]}}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, cidr.StatusCode);
        Assert.Contains("\"field\":\"ipRules.deny[0]\"", await cidr.Content.ReadAsStringAsync());
    }
}
