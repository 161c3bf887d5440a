using System.Collections.Immutable;
using Akka.Actor;
using Gateway.Actors.Caching;
using Gateway.Protocol.Caching;
using Gateway.Protocol.Serialization;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Protocol.Caching;

/// <summary>The L2 messages carry a whole stored response between nodes: nothing of it may be lost on the way.</summary>
public sealed class CacheMessagesTests : IDisposable
{
    private readonly ActorSystem _system = NodeSerializationSystem.Create("cache-serialization");

    internal static readonly CachedResponse Stored = new()
    {
        Status = 200,
        Headers = [new CachedHeader("Content-Type", ["text/plain"]), new CachedHeader("Cache-Control", ["public, max-age=60"]), new CachedHeader("X-Multi", ["a", "b"])],
        Body = [0, 1, 2, 250, 255],
        ResponseTime = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
        InitialAge = TimeSpan.FromSeconds(3),
        FreshnessLifetime = TimeSpan.FromSeconds(60),
        NoCache = true,
        ETag = "\"v1\"",
        LastModified = "Mon, 23 Nov 2026 11:00:00 GMT",
        Vary = ["accept-language"],
        Path = "/api/a",
        Query = "?x=1",
    };

    [Fact]
    public void StoreCachedResponse_RoundTrip_KeepsTheWholeResponse()
    {
        var message = new StoreCachedResponse("id", "key", ImmutableDictionary<string, string>.Empty.Add("Accept-Language", "de"), Stored);
        var serializer = _system.Serialization.FindSerializerFor(message);
        var back = (StoreCachedResponse)_system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier,
            ((GatewaySerializer)serializer).Manifest(message));

        var r = back.Response;
        Assert.Equal(Stored.Body, r.Body);
        Assert.Equal(["text/plain"], r.Headers[0].Values.ToArray());
        Assert.Equal(["a", "b"], r.Headers[2].Values.ToArray());
        Assert.Equal((Stored.Status, Stored.ResponseTime, Stored.InitialAge, Stored.FreshnessLifetime, Stored.NoCache),
            (r.Status, r.ResponseTime, r.InitialAge, r.FreshnessLifetime, r.NoCache));
        Assert.Equal((Stored.ETag, Stored.LastModified, Stored.Path, Stored.Query), (r.ETag, r.LastModified, r.Path, r.Query));
        Assert.Equal(["accept-language"], r.Vary.ToArray());
        Assert.Equal("de", CacheKeys.ToHeaders(back.Headers)["accept-language"]); // header names match without case at the owner
    }

    [Fact]
    public void CacheManifests_ArePinned()
    {
        var serializer = new GatewaySerializer((ExtendedActorSystem)_system);
        Assert.Equal("get-cached-response", serializer.Manifest(new GetCachedResponse("i", "k", ImmutableDictionary<string, string>.Empty)));
        Assert.Equal("store-cached-response", serializer.Manifest(new StoreCachedResponse("i", "k", ImmutableDictionary<string, string>.Empty, Stored)));
        Assert.Equal("purge-cache", serializer.Manifest(new PurgeCache("/a", null)));
    }

    [Theory]
    [InlineData("/api/", null, "/api/users", "", true)]
    [InlineData("/api/", null, "/apix", "", false)]
    [InlineData(null, "/api/users?page=2", "/api/users", "?page=2", true)]
    [InlineData(null, "/api/users?page=2", "/api/users", "?page=3", false)]
    [InlineData(null, "/api/users", "/api/users", "", true)]
    [InlineData(null, "/api/users", "/api/users", "?x", false)]
    public void PurgeCache_Matches_ByPrefixOrExactTarget(string? prefix, string? target, string path, string query, bool expected) =>
        Assert.Equal(expected, new PurgeCache(prefix, target).Matches(path, query));

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
