using Gateway.Protocol.Configuration;
using Xunit;

namespace Gateway.Tests.Protocol.Configuration;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("5s", 5000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("5 seconds", 5000)]
    [InlineData("100", 100)]
    public void TryParse_ValidText_GivesMilliseconds(string text, double ms)
    {
        Assert.True(DurationParser.TryParse(text, out var value));
        Assert.Equal(ms, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5 parsecs")]
    [InlineData("-1s")]
    public void TryParse_InvalidText_Fails(string text) => Assert.False(DurationParser.TryParse(text, out _));
}
