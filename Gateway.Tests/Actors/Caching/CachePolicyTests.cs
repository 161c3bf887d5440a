using Gateway.Actors.Caching;
using Gateway.Protocol.Caching;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Actors.Caching;

/// <summary>RFC 9111 rules of the shared cache, over header values and an injected clock.</summary>
public sealed class CachePolicyTests
{
    private static readonly CacheDefinition Route = new();
    private readonly ManualTimeProvider _clock = new();

    private StoreDecision Decide(ResponseFacts facts, CacheDefinition? route = null, bool authorization = false) =>
        CachePolicy.Decide(facts, route ?? Route, authorization, _clock.GetUtcNow());

    [Theory]
    [InlineData("public, max-age=60", 60)]
    [InlineData("max-age=60, s-maxage=300", 300)]
    [InlineData("s-maxage=0, max-age=60", -1)] // stale on arrival, no validator
    [InlineData("max-age=0", -1)]
    [InlineData("no-store, max-age=60", -1)]
    [InlineData("private, max-age=60", -1)]
    [InlineData("private=\"Set-Cookie\", max-age=60", -1)]
    [InlineData(null, -1)] // no freshness, no default
    public void Decide_FreshnessFromCacheControl(string? cacheControl, int expectedSeconds)
    {
        var decision = Decide(new ResponseFacts(200, cacheControl));
        Assert.Equal(expectedSeconds >= 0, decision.Store);
        if (decision.Store) Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), decision.Lifetime);
    }

    [Fact]
    public void Decide_Expires_CountsFromTheResponseDate()
    {
        var decision = Decide(new ResponseFacts(200, Expires: "Mon, 23 Nov 2026 12:10:00 GMT", Date: "Mon, 23 Nov 2026 12:00:00 GMT"));
        Assert.True(decision.Store);
        Assert.Equal(TimeSpan.FromMinutes(10), decision.Lifetime);
        Assert.False(Decide(new ResponseFacts(200, Expires: "0")).Store); // invalid Expires: already expired
    }

    [Fact]
    public void Decide_DefaultTtl_OnlyWhenTheResponseStatesNothing()
    {
        var route = new CacheDefinition { DefaultTtl = TimeSpan.FromSeconds(30) };
        Assert.Equal(TimeSpan.FromSeconds(30), Decide(new ResponseFacts(200), route).Lifetime);
        Assert.Equal(TimeSpan.FromSeconds(5), Decide(new ResponseFacts(200, "max-age=5"), route).Lifetime);
        Assert.False(Decide(new ResponseFacts(200, "no-store"), route).Store);
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(204, true)]
    [InlineData(301, true)]
    [InlineData(404, true)]
    [InlineData(410, true)]
    [InlineData(302, true)] // explicit freshness makes it storable
    [InlineData(206, false)]
    [InlineData(304, false)]
    [InlineData(500, false)]
    [InlineData(503, false)]
    public void Decide_Status(int status, bool stored) => Assert.Equal(stored, Decide(new ResponseFacts(status, "max-age=60")).Store);

    [Fact]
    public void Decide_302WithoutExplicitFreshness_NotStoredEvenWithDefaultTtl() =>
        Assert.False(Decide(new ResponseFacts(302), new CacheDefinition { DefaultTtl = TimeSpan.FromSeconds(30) }).Store);

    [Theory]
    [InlineData("max-age=60", false)]
    [InlineData("public, max-age=60", true)]
    [InlineData("s-maxage=60", true)]
    [InlineData("must-revalidate, max-age=60", true)]
    public void Decide_RequestWithAuthorization_StoredOnlyWhenTheResponseAllowsSharing(string cacheControl, bool stored) =>
        Assert.Equal(stored, Decide(new ResponseFacts(200, cacheControl), authorization: true).Store);

    [Fact]
    public void Decide_SetCookie_OnlyWhenTheRouteAllowsIt()
    {
        Assert.False(Decide(new ResponseFacts(200, "max-age=60", HasSetCookie: true)).Store);
        Assert.True(Decide(new ResponseFacts(200, "max-age=60", HasSetCookie: true), new CacheDefinition { AllowSetCookie = true }).Store);
    }

    [Fact]
    public void Decide_Vary_IsNormalised_AndStarIsNeverStored()
    {
        Assert.Equal(["accept-encoding", "accept-language"], Decide(new ResponseFacts(200, "max-age=60", Vary: "Accept-Language, accept-encoding,Accept-Language")).Vary.ToArray());
        Assert.False(Decide(new ResponseFacts(200, "max-age=60", Vary: "*")).Store);
    }

    [Fact]
    public void Decide_NoCache_NeedsAValidator()
    {
        Assert.False(Decide(new ResponseFacts(200, "no-cache, max-age=60")).Store);
        var withETag = Decide(new ResponseFacts(200, "no-cache, max-age=60", ETag: "\"a\""));
        Assert.True(withETag.Store);
        Assert.True(withETag.NoCache);
        Assert.True(Decide(new ResponseFacts(200, "max-age=0", LastModified: "Mon, 23 Nov 2026 11:00:00 GMT")).Store);
        // Without any freshness: stored all the same, since every use asks the upstream first.
        Assert.True(Decide(new ResponseFacts(200, "no-cache", ETag: "\"a\"")).Store);
        Assert.False(Decide(new ResponseFacts(200, "no-cache")).Store);
    }

    [Fact]
    public void Decide_AgeHeader_IsTheInitialAge() =>
        Assert.Equal(TimeSpan.FromSeconds(40), Decide(new ResponseFacts(200, "max-age=60", Age: "40")).InitialAge);

    [Fact]
    public void Freshness_FollowsTheClock_FromTheInitialAge()
    {
        var stored = new CachedResponse { ResponseTime = _clock.GetUtcNow(), InitialAge = TimeSpan.FromSeconds(40), FreshnessLifetime = TimeSpan.FromSeconds(60) };
        Assert.True(CachePolicy.IsFresh(stored, _clock.GetUtcNow()));
        Assert.Equal("40", CachePolicy.AgeHeader(stored, _clock.GetUtcNow()));

        _clock.Advance(TimeSpan.FromSeconds(19.5));
        Assert.True(CachePolicy.IsFresh(stored, _clock.GetUtcNow()));
        Assert.Equal("59", CachePolicy.AgeHeader(stored, _clock.GetUtcNow()));

        _clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.False(CachePolicy.IsFresh(stored, _clock.GetUtcNow()));
    }

    [Theory]
    [InlineData("max-age=10, stale-if-error=30", null, 30)]
    [InlineData("max-age=10, stale-if-error=30", 600, 30)] // the response's own directive wins over the route's
    [InlineData("max-age=10", 600, 600)]
    [InlineData("max-age=10", null, 0)]
    [InlineData(null, 60, 60)]
    [InlineData("max-age=10, must-revalidate", 600, 0)] // the origin forbids stale answers: the route cannot allow them
    [InlineData("max-age=10, proxy-revalidate", 600, 0)]
    [InlineData("max-age=10, must-revalidate, stale-if-error=30", 600, 30)] // RFC 5861: "regardless of other freshness information"
    [InlineData("max-age=10, stale-if-error=abc", 600, 600)] // an invalid directive is ignored
    public void StaleIfErrorWindow_TheResponsesDirective_ElseTheRoutesSetting(string? cacheControl, int? routeSeconds, int expectedSeconds)
    {
        var stored = new CachedResponse { Headers = cacheControl is null ? [] : [new CachedHeader("Cache-Control", [cacheControl])] };
        var route = routeSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), CachePolicy.StaleIfErrorWindow(stored, route));
    }

    [Fact]
    public void MayServeStaleOnError_OnlyWithinFreshnessPlusTheWindow()
    {
        var stored = new CachedResponse { ResponseTime = _clock.GetUtcNow(), FreshnessLifetime = TimeSpan.FromSeconds(10) };
        _clock.Advance(TimeSpan.FromSeconds(69));
        Assert.True(CachePolicy.MayServeStaleOnError(stored, TimeSpan.FromSeconds(60), _clock.GetUtcNow()));
        Assert.False(CachePolicy.MayServeStaleOnError(stored, null, _clock.GetUtcNow()));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(CachePolicy.MayServeStaleOnError(stored, TimeSpan.FromSeconds(60), _clock.GetUtcNow()));
    }

    [Fact]
    public void Freshness_NoCacheIsNeverFresh() =>
        Assert.False(CachePolicy.IsFresh(new CachedResponse { ResponseTime = _clock.GetUtcNow(), FreshnessLifetime = TimeSpan.FromHours(1), NoCache = true }, _clock.GetUtcNow()));

    [Theory]
    [InlineData("GET", null, null, false, RequestCacheMode.Lookup)]
    [InlineData("HEAD", null, null, false, RequestCacheMode.Lookup)]
    [InlineData("POST", null, null, false, RequestCacheMode.Bypass)]
    [InlineData("GET", null, null, true, RequestCacheMode.Bypass)]
    [InlineData("GET", "no-store", null, false, RequestCacheMode.Bypass)]
    [InlineData("GET", "no-cache", null, false, RequestCacheMode.Refresh)]
    [InlineData("GET", "max-age=0", null, false, RequestCacheMode.Refresh)]
    [InlineData("GET", null, "no-cache", false, RequestCacheMode.Refresh)]
    [InlineData("GET", "max-age=60", "no-cache", false, RequestCacheMode.Lookup)]
    // expected is a RequestCacheMode, typed object because the enum is internal and a test method is public.
    public void ForRequest(string method, string? cacheControl, string? pragma, bool range, object expected) =>
        Assert.Equal((RequestCacheMode)expected, CachePolicy.ForRequest(method, cacheControl, pragma, range));
}
