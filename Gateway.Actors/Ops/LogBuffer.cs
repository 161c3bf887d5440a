namespace Gateway.Actors.Ops;

/// <summary>
/// The last N log events of this node in a bounded ring, plus live subscribers (<c>log tail</c>). Fed by the node's
/// Serilog sink; read by the ops palettes.
/// </summary>
public sealed class LogBuffer
{
    private readonly LogEntry?[] _ring;
    private readonly Lock _gate = new();
    private Action<LogEntry>[] _subscribers = [];
    private long _written;

    /// <summary>Creates a buffer keeping the newest <paramref name="capacity"/> events.</summary>
    public LogBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new LogEntry?[capacity];
    }

    /// <summary>Most events kept.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Keeps <paramref name="entry"/> (dropping the oldest when full) and hands it to every subscriber.</summary>
    public void Add(LogEntry entry)
    {
        lock (_gate)
        {
            _ring[_written % _ring.Length] = entry;
            _written++;
        }
        // Subscribers are called outside the lock; each one only queues the entry for its connection.
        foreach (var subscriber in Volatile.Read(ref _subscribers)) subscriber(entry);
    }

    /// <summary>The newest <paramref name="count"/> events (fewer when fewer were logged), oldest first.</summary>
    public IReadOnlyList<LogEntry> Peek(int count)
    {
        lock (_gate)
        {
            var n = (int)Math.Min(Math.Min(count, _ring.Length), _written);
            var result = new LogEntry[n];
            for (var i = 0; i < n; i++) result[i] = _ring[(_written - n + i) % _ring.Length]!;
            return result;
        }
    }

    /// <summary>Calls <paramref name="subscriber"/> for every event added from now on, until the result is disposed.</summary>
    /// <remarks>The callback runs on the logging thread: it must be quick, must not block and must not log.</remarks>
    public IDisposable Subscribe(Action<LogEntry> subscriber)
    {
        lock (_gate) _subscribers = [.. _subscribers, subscriber];
        return new Subscription(this, subscriber);
    }

    private void Unsubscribe(Action<LogEntry> subscriber)
    {
        lock (_gate) _subscribers = _subscribers.Where(s => !ReferenceEquals(s, subscriber)).ToArray();
    }

    private sealed class Subscription(LogBuffer buffer, Action<LogEntry> subscriber) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) buffer.Unsubscribe(subscriber);
        }
    }
}
