using System.Diagnostics;

namespace Gateway.Actors.RateLimiting;

/// <summary>
/// One key's token bucket on one node under a cluster-scope limit: it refills at this node's share of the limit, a
/// share the rate-limit actor moves as the gossiped demand of the nodes moves. Counts every request it sees (admitted
/// or not) as demand, so a node that starts receiving a key's traffic claims a share at the next round.
/// </summary>
internal sealed class ShareBucket
{
    private readonly Lock _lock = new();
    private double _tokens;
    private double _perSecond;
    private double _capacity;
    private long _last = Stopwatch.GetTimestamp();
    private int _demand;

    public ShareBucket(double perSecond, double capacity)
    {
        _perSecond = perSecond;
        _capacity = capacity;
        _tokens = capacity;
    }

    /// <summary>Smoothed demand of this node for the key, requests per second; owned by the rate-limit actor.</summary>
    public double DemandRate { get; set; }

    /// <summary>The other nodes' demand for the key as last gossiped, requests per second; owned by the rate-limit actor.</summary>
    public double OthersDemand { get; set; }

    /// <summary>This node's share of the key's limit, requests per second.</summary>
    public double PerSecond
    {
        get
        {
            lock (_lock) return _perSecond;
        }
    }

    /// <summary>Tokens in the bucket now.</summary>
    public double Tokens
    {
        get
        {
            lock (_lock)
            {
                Refill();
                return _tokens;
            }
        }
    }

    /// <summary>Rounds in a row without demand; owned by the rate-limit actor, for eviction.</summary>
    public int IdleRounds { get; set; }

    /// <summary>Takes a token if one is there.</summary>
    public bool TryTake(out double left)
    {
        Interlocked.Increment(ref _demand);
        lock (_lock)
        {
            Refill();
            var taken = _tokens >= 1;
            if (taken) _tokens -= 1;
            left = _tokens;
            return taken;
        }
    }

    /// <summary>Seconds until the next token, at the current share.</summary>
    public double SecondsToNextToken()
    {
        lock (_lock) return _perSecond <= 0 ? 1 : Math.Max(0, 1 - _tokens) / _perSecond;
    }

    /// <summary>Requests seen since the last call.</summary>
    public int TakeDemand() => Interlocked.Exchange(ref _demand, 0);

    /// <summary>Moves this node's share.</summary>
    public void SetShare(double perSecond, double capacity)
    {
        lock (_lock)
        {
            Refill();
            _perSecond = perSecond;
            _capacity = capacity;
            _tokens = Math.Min(_tokens, capacity);
        }
    }

    private void Refill()
    {
        var now = Stopwatch.GetTimestamp();
        var seconds = Stopwatch.GetElapsedTime(_last, now).TotalSeconds;
        _last = now;
        _tokens = Math.Min(_capacity, _tokens + seconds * _perSecond);
    }
}
