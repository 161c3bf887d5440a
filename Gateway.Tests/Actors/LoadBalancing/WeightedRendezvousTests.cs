using Gateway.Actors.LoadBalancing;
using Xunit;

namespace Gateway.Tests.Actors.LoadBalancing;

public sealed class WeightedRendezvousTests
{
    private const int Keys = 20_000;
    private static readonly ulong[] Backends = [StableHash.Of("v1"), StableHash.Of("v2"), StableHash.Of("v3")];

    private static int[] Choices(int[] weights, int count = 2) =>
        Enumerable.Range(0, Keys).Select(k => WeightedRendezvous.Choose(StableHash.Of($"user-{k}"), Backends.AsSpan(0, count), weights)).ToArray();

    [Fact]
    public void Choose_SameKey_SameBackendEveryTime()
    {
        var first = Choices([90, 10]);
        Assert.Equal(first, Choices([90, 10]));
    }

    [Theory]
    [InlineData(90, 10)]
    [InlineData(50, 50)]
    [InlineData(1, 3)]
    public void Choose_ManyKeys_SplitFollowsTheWeights(int a, int b)
    {
        var share = Choices([a, b]).Count(c => c == 1) / (double)Keys;
        Assert.InRange(share, b / (double)(a + b) - 0.02, b / (double)(a + b) + 0.02);
    }

    [Fact]
    public void Choose_CanaryGrowsFrom10To20_OnlyTheKeysThatMustMoveMove()
    {
        var before = Choices([90, 10]);
        var after = Choices([80, 20]);
        var moved = Enumerable.Range(0, Keys).Where(k => before[k] != after[k]).ToArray();

        // Every key already on the canary stays there; the keys that move all go from v1 to v2, about 10% of them.
        Assert.All(Enumerable.Range(0, Keys).Where(k => before[k] == 1), k => Assert.Equal(1, after[k]));
        Assert.All(moved, k => Assert.Equal((0, 1), (before[k], after[k])));
        Assert.InRange(moved.Length / (double)Keys, 0.08, 0.12);
    }

    [Fact]
    public void Choose_BackendUnavailable_OnlyItsKeysMove_AndComeBackAfter()
    {
        var weights = new[] { 50, 30, 20 };
        var before = Choices(weights, 3);
        var without = Enumerable.Range(0, Keys)
            .Select(k => WeightedRendezvous.Choose(StableHash.Of($"user-{k}"), Backends, weights, static (i, _) => i != 1, 0))
            .ToArray();
        for (var k = 0; k < Keys; k++)
        {
            if (before[k] == 1) Assert.NotEqual(1, without[k]);
            else Assert.Equal(before[k], without[k]);
        }
        Assert.Equal(before, Choices(weights, 3));
    }

    [Fact]
    public void Choose_ZeroWeightOrNoneUsable_NeverChosenOrMinusOne()
    {
        Assert.DoesNotContain(1, Choices([100, 0]));
        Assert.Equal(-1, WeightedRendezvous.Choose(1, Backends.AsSpan(0, 2), [0, 0]));
        Assert.Equal(-1, WeightedRendezvous.Choose(1, Backends.AsSpan(0, 2), [1, 1], static (_, _) => false, 0));
    }
}
