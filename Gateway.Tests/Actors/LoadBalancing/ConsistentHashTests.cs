using Gateway.Actors.LoadBalancing;
using Gateway.Actors.Upstreams;
using Xunit;

namespace Gateway.Tests.Actors.LoadBalancing;

public sealed class ConsistentHashTests
{
    private const int Keys = 20_000;

    private static string[] Urls(int n) => Enumerable.Range(0, n).Select(i => $"http://10.0.0.{i}:8080").ToArray();

    private static int[] Owners(ConsistentHashRing ring) =>
        Enumerable.Range(0, Keys).Select(k => ring.Owner(StableHash.Of($"user-{k}"))).ToArray();

    [Fact]
    public void StableHash_IsFixedAcrossProcesses()
    {
        // Pinned values (computed independently from the FNV-1a + fmix64 definition): every node, in any process, must
        // compute the same ring and the same sticky choice; changing the hash would move every key on a live cluster.
        Assert.Equal(0x6dbbb2667d84fe52UL, StableHash.Of("abc"));
        Assert.Equal(0x264807f9144be64fUL, StableHash.Of("user-1"));
        Assert.NotEqual(StableHash.Of("abc"), StableHash.Of("abd"));
    }

    [Fact]
    public void Ring_SameEndpoints_SameOwnersOnEveryBuild()
    {
        var a = new ConsistentHashRing(Urls(5), [1, 1, 1, 1, 1]);
        var b = new ConsistentHashRing(Urls(5), [1, 1, 1, 1, 1]);
        Assert.Equal(Owners(a), Owners(b));
    }

    [Fact]
    public void Ring_EqualWeights_SpreadsKeysEvenly()
    {
        var counts = Owners(new ConsistentHashRing(Urls(5), [1, 1, 1, 1, 1])).GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(5, counts.Count);
        // 160 virtual nodes each: every endpoint within ±25% of a fair fifth.
        Assert.All(counts.Values, c => Assert.InRange(c, Keys / 5 * 0.75, Keys / 5 * 1.25));
    }

    [Fact]
    public void Ring_WeightThreeToOne_GivesAboutThreeQuarters()
    {
        var owners = Owners(new ConsistentHashRing(Urls(2), [3, 1]));
        Assert.InRange(owners.Count(o => o == 0) / (double)Keys, 0.68, 0.82);
    }

    [Fact]
    public void Ring_EndpointLeaves_OnlyItsKeysMove()
    {
        var urls = Urls(5);
        var before = Owners(new ConsistentHashRing(urls, [1, 1, 1, 1, 1]));
        var remaining = urls.Where((_, i) => i != 2).ToArray();
        var afterRing = new ConsistentHashRing(remaining, [1, 1, 1, 1]);
        var after = Owners(afterRing).Select(i => Array.IndexOf(urls, remaining[i])).ToArray();

        var moved = Enumerable.Range(0, Keys).Where(k => before[k] != after[k]).ToArray();
        // Exactly the keys the leaving endpoint owned moved, and nothing else: about 1/5 of them.
        Assert.All(moved, k => Assert.Equal(2, before[k]));
        Assert.Equal(before.Count(o => o == 2), moved.Length);
        Assert.InRange(moved.Length / (double)Keys, 0.15, 0.25);
    }

    [Fact]
    public void Ring_EndpointJoins_KeysMoveOnlyToIt()
    {
        var urls = Urls(5);
        var before = Owners(new ConsistentHashRing(urls[..4], [1, 1, 1, 1]));
        var after = Owners(new ConsistentHashRing(urls, [1, 1, 1, 1, 1]));
        var moved = Enumerable.Range(0, Keys).Where(k => before[k] != after[k]).ToArray();
        Assert.All(moved, k => Assert.Equal(4, after[k]));
        Assert.InRange(moved.Length / (double)Keys, 0.15, 0.25);
    }

    [Fact]
    public void Balancer_OpenEndpoint_ItsKeysGoToTheNextOnTheRing_OthersStay()
    {
        var endpoints = Urls(4).Select(u => new EndpointState(u, 1)).ToArray();
        var balancer = new ConsistentHashBalancer(endpoints.Select(e => e.DestinationPrefix).ToArray(), [1, 1, 1, 1]);
        var keys = Enumerable.Range(0, 2_000).Select(k => StableHash.Of($"k{k}")).ToArray();
        var before = keys.Select(k => balancer.Pick(endpoints, k)!).ToArray();

        endpoints[1].Trip();
        Assert.False(endpoints[1].IsAvailable);
        var after = keys.Select(k => balancer.Pick(endpoints, k)!).ToArray();

        for (var i = 0; i < keys.Length; i++)
        {
            Assert.NotSame(endpoints[1], after[i]);
            if (!ReferenceEquals(before[i], endpoints[1])) Assert.Same(before[i], after[i]);
        }
        // The open endpoint's keys are spread over the others, not piled on one.
        Assert.True(after.Where((_, i) => ReferenceEquals(before[i], endpoints[1])).Distinct().Count() >= 2);
    }

    [Fact]
    public void Balancer_ExcludedEndpoint_RetryGoesElsewhere_AllOpen_Null()
    {
        var endpoints = Urls(3).Select(u => new EndpointState(u, 1)).ToArray();
        var balancer = new ConsistentHashBalancer(endpoints.Select(e => e.DestinationPrefix).ToArray(), [1, 1, 1]);
        var key = StableHash.Of("session-42");
        var first = balancer.Pick(endpoints, key)!;
        Assert.Same(first, balancer.Pick(endpoints, key));
        Assert.NotSame(first, balancer.Pick(endpoints, key, exclude: first));

        foreach (var e in endpoints) e.Trip();
        Assert.Null(balancer.Pick(endpoints, key));
    }

    [Fact]
    public void LoadBalancers_ConsistentHashMode_BuildsARingFromTheUrls()
    {
        var balancer = LoadBalancers.Create(Gateway.Protocol.Upstreams.LoadBalancingMode.ConsistentHash, Urls(3), [1, 1, 1]);
        Assert.IsType<ConsistentHashBalancer>(balancer);
    }
}
