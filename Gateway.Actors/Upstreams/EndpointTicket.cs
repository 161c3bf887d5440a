namespace Gateway.Actors.Upstreams;

/// <summary>Handed out by <see cref="EndpointState.TryAcquire"/> when a request starts, handed back to <see cref="EndpointState.Exit"/>.</summary>
/// <param name="Epoch">The breaker epoch the request started in.</param>
/// <param name="Trial">True when the request took one of the half-open trials.</param>
public readonly record struct EndpointTicket(int Epoch, bool Trial);
