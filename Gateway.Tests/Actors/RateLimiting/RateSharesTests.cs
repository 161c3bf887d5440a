using Gateway.Actors.RateLimiting;
using Xunit;

namespace Gateway.Tests.Actors.RateLimiting;

public sealed class RateSharesTests
{
    [Theory]
    [InlineData(700, 300, 300, 3, 210)]  // 70% of the demand gets 70% of the limit
    [InlineData(100, 900, 300, 3, 30)]
    [InlineData(0, 0, 300, 3, 100)]      // nobody asks: equal shares
    [InlineData(0, 1000, 300, 3, 6)]     // idle node keeps the 2% floor
    [InlineData(50, 0, 300, 3, 300)]     // the only node with demand gets it all
    public void ShareOf_SplitsTheLimitByDemand(double mine, double others, double limit, int nodes, double expected) =>
        Assert.Equal(expected, RateShares.ShareOf(mine, others, limit, nodes), precision: 6);

    [Fact]
    public void ShareOf_NodesSeeingTheSameDemand_SumToTheLimit()
    {
        double[] demand = [700, 200, 100];
        var total = demand.Select((d, i) => RateShares.ShareOf(d, demand.Sum() - d, 300, 3)).Sum();
        Assert.Equal(300, total, precision: 6);
    }
}
