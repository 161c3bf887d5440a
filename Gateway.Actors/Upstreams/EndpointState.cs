namespace Gateway.Actors.Upstreams;

/// <summary>
/// One endpoint of an upstream as the hot path sees it: address, weight, live in-flight count, and its breaker and
/// health flags. Request threads read and count lock-free; only the endpoint's actor changes its state, except that
/// the request that crosses the failure threshold trips it (one compare-and-swap, one message to the actor).
/// </summary>
public sealed class EndpointState
{
    private int _inFlight;
    private int _state;
    private int _consecutiveFailures;
    private int _trialsLeft;
    private int _windowRequests;
    private int _windowFailures;
    private volatile bool _healthy = true;
    private volatile Action<EndpointSignal>? _observer;

    /// <summary>Creates the state for an endpoint whose base URL is <paramref name="destinationPrefix"/>.</summary>
    public EndpointState(string destinationPrefix, int weight)
    {
        DestinationPrefix = destinationPrefix;
        Weight = weight;
    }

    /// <summary>Base URL that the forwarded path is appended to (no trailing slash).</summary>
    public string DestinationPrefix { get; }

    /// <summary>Relative share of traffic under weighted balancing.</summary>
    public int Weight { get; }

    /// <summary>Requests currently forwarded to this endpoint from this node.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Breaker state.</summary>
    public BreakerState State => (BreakerState)Volatile.Read(ref _state);

    /// <summary>False while active health checks say the endpoint is down.</summary>
    public bool IsHealthy => _healthy;

    /// <summary>Trips in a row without a close; owned by the endpoint actor (it survives the actor's restarts).</summary>
    public int Trips { get; internal set; }

    /// <summary>True when a request may be sent now: healthy, and closed or half-open with trials left.</summary>
    public bool IsAvailable => _healthy && (BreakerState)Volatile.Read(ref _state) switch
    {
        BreakerState.Closed => true,
        BreakerState.HalfOpen => Volatile.Read(ref _trialsLeft) > 0,
        _ => false,
    };

    /// <summary>Claims the right to send one request: always when closed, one of the trials when half-open.</summary>
    public bool TryAcquire()
    {
        if (!_healthy) return false;
        return (BreakerState)Volatile.Read(ref _state) switch
        {
            BreakerState.Closed => true,
            BreakerState.HalfOpen => Interlocked.Decrement(ref _trialsLeft) >= 0,
            _ => false,
        };
    }

    /// <summary>Marks the start of a forwarded request.</summary>
    public void Enter() => Interlocked.Increment(ref _inFlight);

    /// <summary>Marks the end of a forwarded request.</summary>
    public void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Counts a request the endpoint answered well.</summary>
    public void RecordSuccess()
    {
        Interlocked.Increment(ref _windowRequests);
        if (Volatile.Read(ref _consecutiveFailures) != 0) Volatile.Write(ref _consecutiveFailures, 0);
        if (Volatile.Read(ref _state) == (int)BreakerState.HalfOpen) _observer?.Invoke(EndpointSignal.TrialSucceeded);
    }

    /// <summary>Counts a failed request; trips the breaker at <paramref name="threshold"/> failures in a row, or on a failed trial.</summary>
    public void RecordFailure(int threshold)
    {
        Interlocked.Increment(ref _windowRequests);
        Interlocked.Increment(ref _windowFailures);
        var failures = Interlocked.Increment(ref _consecutiveFailures);
        var state = (BreakerState)Volatile.Read(ref _state);
        if (state == BreakerState.HalfOpen || state == BreakerState.Closed && failures >= threshold) Trip();
    }

    /// <summary>Opens the breaker unless it is open already; the winner of the race tells the endpoint actor.</summary>
    public void Trip()
    {
        var current = Volatile.Read(ref _state);
        if (current == (int)BreakerState.Open) return;
        if (Interlocked.CompareExchange(ref _state, (int)BreakerState.Open, current) == current) _observer?.Invoke(EndpointSignal.Tripped);
    }

    /// <summary>
    /// Opens the breaker without telling the endpoint actor: for the actor itself, which is handling the trip already.
    /// Through <see cref="Trip"/> it would be told again, after its restart, and count a second trip in a row (doubling
    /// the ejection) and announce it to the cluster again.
    /// </summary>
    internal void Open() => Volatile.Write(ref _state, (int)BreakerState.Open);

    /// <summary>True once the endpoint's actor listens for trips.</summary>
    internal bool IsObserved => _observer is not null;

    internal void SetObserver(Action<EndpointSignal>? observer) => _observer = observer;

    internal void ToHalfOpen(int trials)
    {
        Volatile.Write(ref _trialsLeft, trials);
        Volatile.Write(ref _state, (int)BreakerState.HalfOpen);
    }

    internal void Close()
    {
        Volatile.Write(ref _consecutiveFailures, 0);
        Volatile.Write(ref _state, (int)BreakerState.Closed);
    }

    internal void SetHealthy(bool healthy) => _healthy = healthy;

    /// <summary>Requests and failures since the last call, and resets both.</summary>
    internal (int Requests, int Failures) TakeWindow() =>
        (Interlocked.Exchange(ref _windowRequests, 0), Interlocked.Exchange(ref _windowFailures, 0));

    /// <inheritdoc />
    public override string ToString() => DestinationPrefix;
}
