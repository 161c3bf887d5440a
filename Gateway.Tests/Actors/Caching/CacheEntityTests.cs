using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Gateway.Actors.Caching;
using Gateway.Node.Configuration;
using Gateway.Protocol.Caching;
using Xunit;

namespace Gateway.Tests.Actors.Caching;

/// <summary>The L2 owner of one shard: what it keeps, what it asks back for, and that its entries leave with it.</summary>
public sealed class CacheEntityTests : TestKit
{
    private readonly ResponseCache _cache = new(CacheSettings.FromConfig(NodeConfigLoader.Defaults), TimeProvider.System);

    private static readonly CachedResponse Varying = new()
    {
        Status = 200, Body = "bonjour"u8.ToArray(), FreshnessLifetime = TimeSpan.FromMinutes(5), Vary = ["accept-language"], Path = "/v",
    };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _cache.Dispose();
    }

    [Fact]
    public void VaryingEntry_IsServedOnlyToAnAskCarryingTheHeaderItVariesOn()
    {
        var owner = Sys.ActorOf(CacheEntity.Props(_cache), "5");
        var fr = ImmutableDictionary<string, string>.Empty.Add("accept-language", "fr");
        owner.Tell(new StoreCachedResponse("5", "r\u001fk", fr, Varying));

        owner.Tell(new GetCachedResponse("5", "r\u001fk", ImmutableDictionary<string, string>.Empty));
        Assert.Equal(["accept-language"], ExpectMsg<CachedResponseVaries>().Headers.ToArray());
        owner.Tell(new GetCachedResponse("5", "r\u001fk", fr));
        Assert.Equal("bonjour"u8.ToArray(), ExpectMsg<CachedResponseFound>().Response.Body);
        owner.Tell(new GetCachedResponse("5", "r\u001fk", ImmutableDictionary<string, string>.Empty.Add("accept-language", "de")));
        ExpectMsg<CachedResponseMissing>();
    }

    [Fact]
    public void StoppedOwner_DropsItsShardsEntries_AndNoOtherShards()
    {
        var five = Sys.ActorOf(CacheEntity.Props(_cache), "5");
        var six = Sys.ActorOf(CacheEntity.Props(_cache), "6");
        var none = ImmutableDictionary<string, string>.Empty;
        five.Tell(new StoreCachedResponse("5", "a", none, Varying with { Vary = [] }));
        six.Tell(new StoreCachedResponse("6", "b", none, Varying with { Vary = [] }));
        // Each owner answers its own read only after its store: both entries are in before they are counted.
        five.Tell(new GetCachedResponse("5", "a", none));
        ExpectMsg<CachedResponseFound>();
        six.Tell(new GetCachedResponse("6", "b", none));
        ExpectMsg<CachedResponseFound>();
        Assert.Equal(2, _cache.L2.Count);

        Watch(five);
        Sys.Stop(five);
        ExpectTerminated(five);
        AwaitAssert(() => Assert.Equal(1, _cache.L2.Count), TimeSpan.FromSeconds(5));
        six.Tell(new GetCachedResponse("6", "b", none));
        ExpectMsg<CachedResponseFound>();
    }
}
