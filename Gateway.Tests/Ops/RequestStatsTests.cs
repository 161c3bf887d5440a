using Gateway.Actors.Forwarding;
using Xunit;

namespace Gateway.Tests.Ops;

public sealed class RequestStatsTests
{
    private readonly ManualTime _time = new();

    [Fact]
    public void Snapshot_CountsCompleteSecondsInTheWindow()
    {
        var stats = new RequestStats(_time);
        stats.Record(200, TimeSpan.FromMilliseconds(1));
        stats.Record(503, TimeSpan.FromMilliseconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        stats.Record(200, TimeSpan.FromMilliseconds(1));
        // The current second is not complete yet: it is not counted.
        Assert.Equal(2, stats.Snapshot(10).Requests);

        _time.Advance(TimeSpan.FromSeconds(1));
        var snapshot = stats.Snapshot(10);
        Assert.Equal((10, 3L, 1L), (snapshot.Seconds, snapshot.Requests, snapshot.Errors));
        Assert.Equal(0.3, snapshot.RequestsPerSecond, 3);
    }

    [Fact]
    public void Snapshot_SecondsOlderThanTheWindowDropOut()
    {
        var stats = new RequestStats(_time);
        stats.Record(200, TimeSpan.FromMilliseconds(1));
        _time.Advance(TimeSpan.FromSeconds(5));
        stats.Record(200, TimeSpan.FromMilliseconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, stats.Snapshot(6).Requests);
        Assert.Equal(1, stats.Snapshot(5).Requests);

        _time.Advance(TimeSpan.FromSeconds(RequestStats.WindowSeconds));
        Assert.Equal(0, stats.Snapshot(RequestStats.WindowSeconds).Requests);
        Assert.Null(stats.Snapshot(RequestStats.WindowSeconds).P50);
    }

    [Fact]
    public void Slot_ReusedAfterTheRingWraps_StartsFromZero()
    {
        var stats = new RequestStats(_time);
        for (var i = 0; i < 5; i++) stats.Record(500, TimeSpan.FromMilliseconds(1));
        _time.Advance(TimeSpan.FromSeconds(64)); // same slot of the 64-slot ring
        stats.Record(200, TimeSpan.FromMilliseconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        var snapshot = stats.Snapshot(1);
        Assert.Equal((1L, 0L), (snapshot.Requests, snapshot.Errors));
    }

    [Fact]
    public void Percentiles_AreWithinTheBucketError()
    {
        var stats = new RequestStats(_time);
        for (var i = 0; i < 980; i++) stats.Record(200, TimeSpan.FromMilliseconds(2));
        for (var i = 0; i < 20; i++) stats.Record(200, TimeSpan.FromMilliseconds(300));
        _time.Advance(TimeSpan.FromSeconds(1));
        var snapshot = stats.Snapshot(1);
        Assert.InRange(snapshot.P50!.Value.TotalMilliseconds, 2 * 0.875, 2 * 1.125);
        Assert.InRange(snapshot.P99!.Value.TotalMilliseconds, 300 * 0.875, 300 * 1.125);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(150)]
    [InlineData(999)]
    [InlineData(12_345)]
    [InlineData(4_000_000)]
    public void BucketMidpoint_IsWithinAnEighthOfTheValue(long micros)
    {
        var value = TimeSpan.FromMicroseconds(micros);
        var midpoint = RequestStats.BucketMidpoint(RequestStats.BucketOf(value));
        Assert.InRange(midpoint.TotalMicroseconds, micros * 0.875 - 0.5, micros * 1.125 + 0.5);
    }

    [Fact]
    public void Record_FromManyThreads_LosesNoCount()
    {
        var stats = new RequestStats(_time);
        stats.Record(200, TimeSpan.FromMilliseconds(1)); // claims the second's slot before the race
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++) stats.Record(i % 10 == 0 ? 502 : 200, TimeSpan.FromMilliseconds(1));
        });
        _time.Advance(TimeSpan.FromSeconds(1));
        var snapshot = stats.Snapshot(1);
        Assert.Equal((80_001L, 8_000L), (snapshot.Requests, snapshot.Errors));
    }

    /// <summary>A clock that moves only when told to.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = TimeSpan.FromHours(1).Ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
