using Gateway.Node.Hosting;
using Xunit;

namespace Gateway.Tests.Node.Hosting;

/// <summary>A gap between watch ticks longer than the maximum pause is a pause of the process.</summary>
public sealed class PauseDetectorTests
{
    [Theory]
    [InlineData("on time", 100, 4000, null)]
    [InlineData("a busy second", 1200, 4000, null)]
    [InlineData("SIGSTOP for 20 s", 20_100, 4000, 20_100)]
    [InlineData("detection off", 20_100, 0, null)]
    public void Pause_IsTheGapBeyondTheMaximum(string name, int gapMs, int maxPauseMs, int? pauseMs)
    {
        var detector = new PauseDetector(TimeSpan.FromMilliseconds(maxPauseMs));
        var start = TimeSpan.FromSeconds(7);
        Assert.True(detector.Pause(start, start + TimeSpan.FromMilliseconds(gapMs)) == (pauseMs is { } p ? TimeSpan.FromMilliseconds(p) : null), name);
    }
}
