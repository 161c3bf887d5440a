namespace Gateway.Actors.Upstreams;

/// <summary>One endpoint of an upstream as the hot path sees it: its address, weight and live in-flight count.</summary>
public sealed class EndpointState
{
    private int _inFlight;

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

    /// <summary>Marks the start of a forwarded request.</summary>
    public void Enter() => Interlocked.Increment(ref _inFlight);

    /// <summary>Marks the end of a forwarded request.</summary>
    public void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <inheritdoc />
    public override string ToString() => DestinationPrefix;
}
