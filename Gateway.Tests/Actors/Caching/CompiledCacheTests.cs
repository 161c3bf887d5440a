using Gateway.Actors.Caching;
using Gateway.Actors.Security;
using Gateway.Protocol.Caching;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.Actors.Caching;

/// <summary>The cache identity rule as the key builder applies it.</summary>
public sealed class CompiledCacheTests
{
    private sealed class Caller(string? subject, Dictionary<string, string>? claims = null) : GatewayIdentity
    {
        public override string? Subject => subject;

        public override string? Claim(string name) => claims is not null && claims.TryGetValue(name, out var v) ? v : null;
    }

    private static HttpContext Request(GatewayIdentity? identity)
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString("api.example.com");
        context.Request.Path = "/me";
        if (identity is not null) context.Features.Set(identity);
        return context;
    }

    private static readonly CacheDefinition Plain = new() { DefaultTtl = TimeSpan.FromHours(1) };

    [Theory]
    // name, first caller, second caller, the keys are equal
    [InlineData("two API keys (or JWT subs)", "alice", "bob", false)]
    [InlineData("one caller twice", "alice", "alice", true)]
    [InlineData("an identity cannot pose as another plus a key part", "a\u001fapi.example.com", "a", false)]
    public void AuthenticatedRoute_KeysByIdentity(string name, string first, string second, bool equal)
    {
        var cache = new CompiledCache("me", Plain, authenticated: true);
        var a = cache.BaseKey(Request(new Caller(first)), "/me");
        var b = cache.BaseKey(Request(new Caller(second)), "/me");
        Assert.NotNull(a);
        Assert.True(equal == (a == b), name);
    }

    [Fact]
    public void AuthenticatedRoute_WithoutAnIdentityValue_HasNoKey()
    {
        var cache = new CompiledCache("me", Plain, authenticated: true);
        Assert.Null(cache.BaseKey(Request(null), "/me"));
        Assert.Null(cache.BaseKey(Request(new Caller(null)), "/me")); // a JWT without sub
        var byTenant = new CompiledCache("me", Plain with { IdentityClaim = "tenant" }, authenticated: true);
        Assert.Null(byTenant.BaseKey(Request(new Caller("alice")), "/me"));
    }

    [Fact]
    public void SharedAcrossIdentities_OrNoAuth_KeysWithoutIdentity()
    {
        var shared = new CompiledCache("me", Plain with { SharedAcrossIdentities = true }, authenticated: true);
        Assert.Equal(shared.BaseKey(Request(new Caller("alice")), "/me"), shared.BaseKey(Request(new Caller("bob")), "/me"));
        var open = new CompiledCache("me", Plain);
        Assert.Equal(open.BaseKey(Request(null), "/me"), shared.BaseKey(Request(new Caller("bob")), "/me"));
    }

    [Fact]
    public void IdentityClaim_KeysByThatClaim()
    {
        var cache = new CompiledCache("me", Plain with { IdentityClaim = "tenant" }, authenticated: true);
        var alice = cache.BaseKey(Request(new Caller("alice", new() { ["tenant"] = "acme" })), "/me");
        var carol = cache.BaseKey(Request(new Caller("carol", new() { ["tenant"] = "acme" })), "/me");
        var bob = cache.BaseKey(Request(new Caller("bob", new() { ["tenant"] = "globex" })), "/me");
        Assert.Equal(alice, carol);
        Assert.NotEqual(alice, bob);
    }
}
