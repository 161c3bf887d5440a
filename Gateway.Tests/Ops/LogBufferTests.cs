using Gateway.Actors.Ops;
using Gateway.Protocol.Ops;
using Xunit;

namespace Gateway.Tests.Ops;

public sealed class LogBufferTests
{
    private static LogEntry Entry(int n, string level = "Information", string? exception = null) =>
        new(new DateTimeOffset(2026, 11, 23, 12, 0, n % 60, TimeSpan.Zero), level, "Tests", $"event {n}", exception);

    [Fact]
    public void Peek_AfterWrapping_ReturnsTheNewestOldestFirst()
    {
        var buffer = new LogBuffer(3);
        for (var i = 1; i <= 5; i++) buffer.Add(Entry(i));
        Assert.Equal(["event 3", "event 4", "event 5"], buffer.Peek(10).Select(e => e.Message));
        Assert.Equal(["event 4", "event 5"], buffer.Peek(2).Select(e => e.Message));
    }

    [Fact]
    public void Peek_FewerLoggedThanAsked_ReturnsWhatThereIs()
    {
        var buffer = new LogBuffer(10);
        Assert.Empty(buffer.Peek(5));
        buffer.Add(Entry(1));
        Assert.Equal(["event 1"], buffer.Peek(5).Select(e => e.Message));
    }

    [Fact]
    public void Subscribe_GetsEventsAddedUntilDisposed()
    {
        var buffer = new LogBuffer(10);
        buffer.Add(Entry(1));
        var seen = new List<string>();
        var subscription = buffer.Subscribe(e => seen.Add(e.Message));
        buffer.Add(Entry(2));
        subscription.Dispose();
        subscription.Dispose();
        buffer.Add(Entry(3));
        Assert.Equal(["event 2"], seen);
    }

    [Fact]
    public void Peek_Palette_FormatsLinesOrJsonRows()
    {
        var buffer = new LogBuffer(10);
        buffer.Add(Entry(1));
        buffer.Add(Entry(2, "Warning", "InvalidOperationException: boom"));

        var lines = LogPalette.Peek(buffer, "2", json: false);
        Assert.Equal(["12:00:01.000 INF Tests: event 1", "12:00:02.000 WAR Tests: event 2 | InvalidOperationException: boom"],
            lines.Frames.Select(f => f.Text));

        var table = Assert.Single(LogPalette.Peek(buffer, null, json: true).Frames);
        Assert.Equal(["time", "level", "source", "message", "exception"], table.Columns!.Value.ToArray());
        Assert.Equal(["2026-11-23T12:00:02.000Z", "Warning", "Tests", "event 2", "InvalidOperationException: boom"], table.Rows!.Value[1].ToArray());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("11")]
    [InlineData("many")]
    public void Peek_Palette_BadCount_IsAUsageError(string count)
    {
        var result = LogPalette.Peek(new LogBuffer(10), count, json: false);
        Assert.Equal(OpsExitCodes.Usage, result.ExitCode);
        Assert.Equal("usage: pbm [HOST:PORT] log peek [n]", result.Frames[0].Usage);
    }
}
