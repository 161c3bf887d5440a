using System.Net;
using System.Text.Json;
using Gateway.Actors.Caching;
using Gateway.Tests.EndToEnd.Security;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// A cached route behind an auth policy, as two clients see it: one client's response is never served to another, a
/// route may share one entry only when it says so, and credentials reach neither the L2 store nor (when hidden) the upstream.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CacheIdentityTests : IAsyncLifetime
{
    private const string AliceKey = "key-alice-0b6f3e";
    private const string BobKey = "key-bob-91d2aa";
    private const string CarolKey = "key-carol-77c0e1";
    private const string Bearer = "Bearer not-a-token-but-secret-all-the-same";
    private int _hits;
    private TestUpstream _upstream = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        // The upstream answers who it was told the caller is, and whether it saw the key header.
        _upstream = await TestUpstream.StartAsync(async context =>
        {
            var n = Interlocked.Increment(ref _hits);
            var request = context.Request;
            context.Response.Headers["X-Saw-Api-Key"] = request.Headers.ContainsKey("X-Api-Key") ? "yes" : "no";
            if (request.Path.StartsWithSegments("/vary"))
            {
                // public: a response to a request with Authorization is stored only when it says so (RFC 9111 §3.5).
                context.Response.Headers.Vary = "Accept-Language";
                context.Response.Headers.CacheControl = "public, max-age=3600";
            }
            await context.Response.WriteAsync($"for {request.Headers["X-Gateway-Client"]} #{n}");
        });
        var keys = $$"""
            keys = [
              { sha256 = "{{SecurityFixture.Sha256(AliceKey)}}", name = alice, metadata { tenant = acme } }
              { sha256 = "{{SecurityFixture.Sha256(BobKey)}}", name = bob, metadata { tenant = globex } }
              { sha256 = "{{SecurityFixture.Sha256(CarolKey)}}", name = carol, metadata { tenant = acme } }
            ]
            """;
        _gateway = await TestGateway.StartAsync($$"""
            auth {
              keys {
                api-keys { {{keys}} }
                forward-claims { name = X-Gateway-Client }
              }
              hidden {
                api-keys {
                  hide-credentials = on
                  {{keys}}
                }
                forward-claims { name = X-Gateway-Client }
              }
            }
            upstreams = [ { name = u, endpoints = [ "{{_upstream.Url}}" ] } ]
            routes = [
              { id = me, path = "/me", upstream = u, auth = keys, cache { default-ttl = 1h } }
              { id = shared, path = "/shared", upstream = u, auth = keys, cache { default-ttl = 1h, shared-across-identities = on } }
              { id = tenant, path = "/tenant", upstream = u, auth = keys, cache { default-ttl = 1h, identity-claim = tenant } }
              { id = vary, path = "/vary", upstream = u, auth = keys, cache { default-ttl = 1h } }
              { id = hidden, path = "/hidden", upstream = u, auth = hidden }
            ]
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task AuthenticatedRoute_BobNeverGetsAlicesCachedResponse()
    {
        var (alice, aliceBody) = await Get("/me", AliceKey);
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Equal("MISS", Header(alice, "X-Cache"));
        Assert.StartsWith("for alice ", aliceBody);

        var (bob, bobBody) = await Get("/me", BobKey);
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
        Assert.StartsWith("for bob ", bobBody);
        Assert.Equal("MISS", Header(bob, "X-Cache"));

        // Each caller still gets its own entry.
        var (again, againBody) = await Get("/me", AliceKey);
        Assert.Equal("HIT", Header(again, "X-Cache"));
        Assert.Equal(aliceBody, againBody);
        Assert.Equal(2, Volatile.Read(ref _hits));
    }

    [Fact]
    public async Task SharedAcrossIdentities_On_ServesOneEntryToEveryCaller()
    {
        var (alice, aliceBody) = await Get("/shared", AliceKey);
        Assert.Equal("MISS", Header(alice, "X-Cache"));
        var (bob, bobBody) = await Get("/shared", BobKey);
        Assert.Equal("HIT", Header(bob, "X-Cache"));
        Assert.Equal(aliceBody, bobBody);
    }

    [Fact]
    public async Task IdentityClaim_SharesAnEntryAmongCallersWithTheSameClaimValue()
    {
        var (alice, aliceBody) = await Get("/tenant", AliceKey);
        Assert.Equal("MISS", Header(alice, "X-Cache"));
        var (carol, carolBody) = await Get("/tenant", CarolKey); // same tenant
        Assert.Equal("HIT", Header(carol, "X-Cache"));
        Assert.Equal(aliceBody, carolBody);
        var (bob, bobBody) = await Get("/tenant", BobKey); // another tenant
        Assert.Equal("MISS", Header(bob, "X-Cache"));
        Assert.StartsWith("for bob ", bobBody);
    }

    [Fact]
    public async Task Credentials_NeverReachTheL2Store()
    {
        var cache = _gateway.Services.GetRequiredService<ResponseCache>();
        var (alice, _) = await Get("/vary", AliceKey, ("Authorization", Bearer), ("Accept-Language", "fr"), ("X-Trace-Note", "private-note"));
        Assert.Equal("MISS", Header(alice, "X-Cache"));

        // The store reaches the owner (this node) by a message: wait for the rule and the variant to arrive.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (cache.L2.Snapshot().Count(e => e.Key.Contains("/vary", StringComparison.Ordinal)) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the response never reached the L2 owner");
            await Task.Delay(50);
        }
        var held = string.Join("\n", cache.L2.Snapshot().Select(e => e.Key + " => " + JsonSerializer.Serialize(e.Value)));
        Assert.Contains("accept-language=fr", held); // the header the response varies on is part of the variant key
        Assert.DoesNotContain(AliceKey, held);
        Assert.DoesNotContain("secret-all-the-same", held);
        Assert.DoesNotContain("private-note", held);
    }

    [Fact]
    public async Task HideCredentials_KeepsTheKeyFromTheUpstream_DefaultForwardsIt()
    {
        var (hidden, hiddenBody) = await Get("/hidden", AliceKey);
        Assert.Equal(HttpStatusCode.OK, hidden.StatusCode);
        Assert.Equal("no", Header(hidden, "X-Saw-Api-Key"));
        Assert.StartsWith("for alice ", hiddenBody); // the claims still travel

        var (shown, _) = await Get("/me", BobKey);
        Assert.Equal("yes", Header(shown, "X-Saw-Api-Key"));
    }

    private async Task<(HttpResponseMessage Response, string Body)> Get(string path, string key, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", key);
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        var response = await _gateway.Client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
