using System.Numerics;

namespace Gateway.Actors.Forwarding;

/// <summary>
/// Requests, errors and a latency histogram per second over the last minute, fed from the hot path with a few
/// interlocked increments (no lock, no allocation) and read by <c>pbm gateway stats</c>.
/// </summary>
/// <remarks>
/// A ring of per-second slots; the first request of a new second claims the slot with a compare-exchange and clears
/// it. Samples that race the claim are dropped rather than waited for: the figures are an operator's view, not an
/// audit. Latency buckets have four linear steps per power of two of microseconds, so a percentile is within
/// ±12.5% of the truth.
/// </remarks>
public sealed class RequestStats
{
    /// <summary>Seconds of history a snapshot can cover.</summary>
    public const int WindowSeconds = 60;

    // More slots than the window, so the slot being written is never one a full-window snapshot reads.
    private const int SlotCount = 64;
    private const int BucketCount = 128;
    private const long Claiming = -2;

    private readonly TimeProvider _time;
    private readonly Slot[] _slots;

    /// <summary>Creates empty stats whose seconds come from <paramref name="time"/>.</summary>
    public RequestStats(TimeProvider time)
    {
        _time = time;
        _slots = Enumerable.Range(0, SlotCount).Select(_ => new Slot()).ToArray();
    }

    /// <summary>Records one answered request: its status code and time from route match to the end of the response.</summary>
    public void Record(int status, TimeSpan elapsed)
    {
        var second = CurrentSecond();
        var slot = _slots[second & (SlotCount - 1)];
        var stamp = Volatile.Read(ref slot.Second);
        if (stamp != second && !Claim(slot, stamp, second)) return;

        Interlocked.Increment(ref slot.Requests);
        if (status >= 500) Interlocked.Increment(ref slot.Errors);
        Interlocked.Increment(ref slot.Latency[BucketOf(elapsed)]);
    }

    /// <summary>Totals over the last <paramref name="seconds"/> complete seconds (1 to <see cref="WindowSeconds"/>).</summary>
    public RequestStatsSnapshot Snapshot(int seconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seconds, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seconds, WindowSeconds);
        var now = CurrentSecond();
        long requests = 0, errors = 0;
        var latency = new long[BucketCount];
        for (var second = now - seconds; second < now; second++)
        {
            if (second < 0) continue;
            var slot = _slots[second & (SlotCount - 1)];
            if (Volatile.Read(ref slot.Second) != second) continue;
            requests += Volatile.Read(ref slot.Requests);
            errors += Volatile.Read(ref slot.Errors);
            for (var b = 0; b < BucketCount; b++) latency[b] += Volatile.Read(ref slot.Latency[b]);
        }
        return new RequestStatsSnapshot(seconds, requests, errors, Percentile(latency, 0.50), Percentile(latency, 0.99));
    }

    /// <summary>The histogram bucket of a duration (exposed for tests of the bucket bounds).</summary>
    internal static int BucketOf(TimeSpan elapsed)
    {
        var micros = (ulong)Math.Max(0, elapsed.Ticks / 10);
        if (micros < 4) return (int)micros;
        var log = BitOperations.Log2(micros);
        var step = (int)(micros >> (log - 2)) & 3;
        return Math.Min(BucketCount - 1, 4 + (log - 2) * 4 + step);
    }

    /// <summary>The middle of a bucket's range, the value a percentile in it reports.</summary>
    internal static TimeSpan BucketMidpoint(int bucket)
    {
        if (bucket < 4) return TimeSpan.FromMicroseconds(bucket + 0.5);
        var log = (bucket - 4) / 4 + 2;
        var step = (bucket - 4) % 4;
        var lower = (double)((4L + step) << (log - 2));
        var upper = (double)((5L + step) << (log - 2));
        return TimeSpan.FromMicroseconds((lower + upper) / 2);
    }

    private long CurrentSecond() => _time.GetTimestamp() / _time.TimestampFrequency;

    private static bool Claim(Slot slot, long stamp, long second)
    {
        // Older than this second (or never used): the first thread here clears it; the others drop their sample.
        if (stamp == Claiming || stamp > second) return false;
        if (Interlocked.CompareExchange(ref slot.Second, Claiming, stamp) != stamp) return false;
        slot.Requests = 0;
        slot.Errors = 0;
        Array.Clear(slot.Latency);
        Volatile.Write(ref slot.Second, second);
        return true;
    }

    private static TimeSpan? Percentile(long[] latency, double quantile)
    {
        var total = latency.Sum();
        if (total == 0) return null;
        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var b = 0; b < latency.Length; b++)
        {
            seen += latency[b];
            if (seen >= rank) return BucketMidpoint(b);
        }
        return BucketMidpoint(latency.Length - 1);
    }

    private sealed class Slot
    {
        public long Second = -1;
        public long Requests;
        public long Errors;
        public readonly long[] Latency = new long[BucketCount];
    }
}
