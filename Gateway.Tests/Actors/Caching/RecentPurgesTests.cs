using Gateway.Actors.Caching;
using Gateway.Protocol.Caching;
using Xunit;

namespace Gateway.Tests.Actors.Caching;

/// <summary>
/// A purge reaches a node's L1 and the key's L2 owner in no set order: an answer from an owner that has not applied the
/// purge yet must not go back into the purged node's L1 (it would be served until it expires).
/// </summary>
public sealed class RecentPurgesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    // An L2 answer as this node receives it: re-based to arrive now, with its age.
    private static CachedResponse FromL2(string path, string query, DateTimeOffset arrived, TimeSpan age) =>
        new() { Path = path, Query = query, ResponseTime = arrived, InitialAge = age };

    [Fact]
    public void AnAnswerStoredBeforeAPurgeAppliedHere_IsCovered_OneStoredAfter_IsNot()
    {
        var purges = new RecentPurges();
        Assert.False(purges.Covers(FromL2("/max-age/300/shared", "", T0, TimeSpan.FromSeconds(5))));

        purges.Add(new PurgeCache("/max-age/300/", null), T0);

        // Stored 5 s before the purge, arriving 100 ms after it: the owner had not applied it yet.
        Assert.True(purges.Covers(FromL2("/max-age/300/shared", "", T0.AddMilliseconds(100), TimeSpan.FromSeconds(5.1))));
        // Fetched again after the purge: a new response.
        Assert.False(purges.Covers(FromL2("/max-age/300/shared", "", T0.AddSeconds(2), TimeSpan.FromSeconds(1))));
        // Not selected by the purge.
        Assert.False(purges.Covers(FromL2("/other", "", T0.AddMilliseconds(100), TimeSpan.FromSeconds(5.1))));
    }

    [Fact]
    public void ATargetPurge_SelectsItsPathAndQueryOnly()
    {
        var purges = new RecentPurges();
        purges.Add(new PurgeCache(null, "/items?page=2"), T0);

        Assert.True(purges.Covers(FromL2("/items", "?page=2", T0.AddMilliseconds(10), TimeSpan.FromSeconds(1))));
        Assert.False(purges.Covers(FromL2("/items", "?page=3", T0.AddMilliseconds(10), TimeSpan.FromSeconds(1))));
    }

    [Fact]
    public void AFloodOfPurges_KeepsOnlyTheLastOnes()
    {
        var purges = new RecentPurges();
        purges.Add(new PurgeCache("/first/", null), T0);
        for (var i = 0; i < RecentPurges.Capacity; i++) purges.Add(new PurgeCache($"/p{i}/", null), T0);

        // The first purge fell out of the bounded memory; the last one is remembered.
        Assert.False(purges.Covers(FromL2("/first/x", "", T0, TimeSpan.FromSeconds(1))));
        Assert.True(purges.Covers(FromL2($"/p{RecentPurges.Capacity - 1}/x", "", T0, TimeSpan.FromSeconds(1))));
    }
}
