namespace Gateway.Actors.Upstreams;

/// <summary>
/// Caps retries at a share of the requests of the current second (with a floor of a few per second so low traffic
/// can retry at all), so retries can never multiply the load on a failing upstream. Lock-free counters.
/// </summary>
public sealed class RetryBudget(double ratio, int minPerSecond)
{
    private long _second = Environment.TickCount64 / 1000;
    private int _requests;
    private int _retries;

    /// <summary>Counts a first try.</summary>
    public void OnRequest()
    {
        Roll();
        Interlocked.Increment(ref _requests);
    }

    /// <summary>Takes a retry from the budget; false when this second's budget is spent.</summary>
    public bool TryRetry()
    {
        Roll();
        var allowed = Math.Max(minPerSecond, ratio * Volatile.Read(ref _requests));
        if (Interlocked.Increment(ref _retries) <= allowed) return true;
        Interlocked.Decrement(ref _retries);
        return false;
    }

    private void Roll()
    {
        var now = Environment.TickCount64 / 1000;
        var second = Volatile.Read(ref _second);
        if (now == second || Interlocked.CompareExchange(ref _second, now, second) != second) return;
        Volatile.Write(ref _requests, 0);
        Volatile.Write(ref _retries, 0);
    }
}
