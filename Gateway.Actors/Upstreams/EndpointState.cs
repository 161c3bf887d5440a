namespace Gateway.Actors.Upstreams;

/// <summary>
/// One endpoint of an upstream as the hot path sees it: address, weight, live in-flight count, and its breaker and
/// health flags. Request threads read and count lock-free. Breaker transitions go through the pure <see cref="Breaker.Next"/>
/// applied by compare-and-swap of an immutable <see cref="BreakerSnapshot"/>; whoever wins a transition tells the
/// endpoint's actor (which arms timers, logs and announces). A closed endpoint's requests never allocate or swap.
/// </summary>
public sealed class EndpointState
{
    private int _inFlight;
    private int _consecutiveFailures;
    private int _windowRequests;
    private int _windowFailures;
    private int _observerGeneration;
    private volatile bool _healthy = true;
    private volatile BreakerSnapshot _breaker = BreakerSnapshot.Initial;
    private volatile Observer? _observer;

    /// <summary>Creates the state for an endpoint whose base URL is <paramref name="destinationPrefix"/>.</summary>
    public EndpointState(string destinationPrefix, int weight, BreakerPolicy? policy = null)
    {
        DestinationPrefix = destinationPrefix;
        Weight = weight;
        Policy = policy ?? BreakerPolicy.Default;
    }

    /// <summary>Base URL that the forwarded path is appended to (no trailing slash).</summary>
    public string DestinationPrefix { get; }

    /// <summary>Relative share of traffic under weighted balancing.</summary>
    public int Weight { get; }

    /// <summary>The breaker settings in force; a changed upstream definition sets them on the endpoints it keeps.</summary>
    public BreakerPolicy Policy { get; internal set; }

    /// <summary>Requests currently forwarded to this endpoint from this node.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The breaker now.</summary>
    public BreakerSnapshot Breaker => _breaker;

    /// <summary>Breaker state.</summary>
    public BreakerState State => _breaker.State;

    /// <summary>False while active health checks say the endpoint is down.</summary>
    public bool IsHealthy => _healthy;

    /// <summary>Trips in a row without a close.</summary>
    public int Trips => _breaker.Trips;

    /// <summary>True when a request may be sent now: healthy, and closed or half-open with a trial left.</summary>
    public bool IsAvailable
    {
        get
        {
            if (!_healthy) return false;
            var b = _breaker;
            return b.State switch
            {
                BreakerState.Closed => true,
                BreakerState.HalfOpen => b.TrialsStarted < Policy.HalfOpenTrials && b.TrialsInFlight < Policy.HalfOpenTrials,
                _ => false,
            };
        }
    }

    /// <summary>
    /// Claims the right to send one request: always when closed, one of the trials when half-open. The ticket says in
    /// which breaker epoch the request started and whether it is a trial; hand it back to <see cref="Exit"/>.
    /// </summary>
    public bool TryAcquire(out EndpointTicket ticket)
    {
        ticket = default;
        if (!_healthy) return false;
        var b = _breaker;
        if (b.State == BreakerState.Closed)
        {
            ticket = new EndpointTicket(b.Epoch, Trial: false);
            return true;
        }
        if (b.State != BreakerState.HalfOpen) return false;
        var step = Apply(BreakerEvent.TrialRequested.Instance);
        if (!step.Granted) return false;
        ticket = new EndpointTicket(step.State.Epoch, Trial: true);
        return true;
    }

    /// <summary>Marks the start of a forwarded request.</summary>
    public void Enter() => Interlocked.Increment(ref _inFlight);

    /// <summary>
    /// Marks the end of a forwarded request started with <paramref name="ticket"/> and counts its outcome: failures in a
    /// row trip the breaker, a trial's outcome decides the half-open state. Outcomes of requests that started in an
    /// earlier breaker epoch (before a trip) move nothing.
    /// </summary>
    public void Exit(in EndpointTicket ticket, EndpointOutcome outcome)
    {
        Interlocked.Decrement(ref _inFlight);
        switch (outcome)
        {
            case EndpointOutcome.Succeeded:
                Interlocked.Increment(ref _windowRequests);
                if (Volatile.Read(ref _consecutiveFailures) != 0) Volatile.Write(ref _consecutiveFailures, 0);
                break;
            case EndpointOutcome.Failed:
                Interlocked.Increment(ref _windowRequests);
                Interlocked.Increment(ref _windowFailures);
                var failures = Interlocked.Increment(ref _consecutiveFailures);
                if (!ticket.Trial && failures >= Policy.ConsecutiveFailures && _breaker.State == BreakerState.Closed)
                    Apply(new BreakerEvent.Trip(ticket.Epoch));
                break;
        }
        if (ticket.Trial) Apply(new BreakerEvent.TrialFinished(ticket.Epoch, outcome == EndpointOutcome.Succeeded));
    }

    /// <summary>Opens the breaker as another node's ejection does: a no-op while it is open already.</summary>
    public void Trip() => Apply(new BreakerEvent.Trip(_breaker.Epoch, Remote: true));

    /// <summary>Applies <paramref name="e"/> through <see cref="Breaker.Next"/>; tells the observer when the state changed.</summary>
    internal BreakerStep Apply(BreakerEvent e)
    {
        while (true)
        {
            var current = _breaker;
            var step = Upstreams.Breaker.Next(current, e, Policy);
            if (ReferenceEquals(step.State, current)) return step;
            if (Interlocked.CompareExchange(ref _breaker, step.State, current) != current) continue;
            if (step.State.State != current.State)
            {
                if (step.State.State == BreakerState.Closed) Volatile.Write(ref _consecutiveFailures, 0);
                _observer?.Notify(new EndpointTransition(current.State, step));
            }
            return step;
        }
    }

    /// <summary>True once an endpoint actor listens for transitions.</summary>
    internal bool IsObserved => _observer is not null;

    /// <summary>Makes <paramref name="observer"/> the one told of transitions; returns the generation to stop with.</summary>
    internal int Observe(Action<EndpointTransition> observer)
    {
        var generation = Interlocked.Increment(ref _observerGeneration);
        _observer = new Observer(generation, observer);
        return generation;
    }

    /// <summary>Stops telling the observer of <paramref name="generation"/>; a newer observer stays (a late PostStop clears nothing).</summary>
    internal void StopObserving(int generation)
    {
        var current = _observer;
        if (current is not null && current.Generation == generation) Interlocked.CompareExchange(ref _observer, null, current);
    }

    internal void SetHealthy(bool healthy) => _healthy = healthy;

    /// <summary>Requests and failures since the last call, and resets both.</summary>
    internal (int Requests, int Failures) TakeWindow() =>
        (Interlocked.Exchange(ref _windowRequests, 0), Interlocked.Exchange(ref _windowFailures, 0));

    /// <inheritdoc />
    public override string ToString() => DestinationPrefix;

    private sealed record Observer(int Generation, Action<EndpointTransition> Notify);
}
