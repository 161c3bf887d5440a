namespace Gateway.Actors.Upstreams;

/// <summary>Sent to an endpoint's actor by whoever won a breaker transition on the hot path: never per ordinary request.</summary>
/// <param name="From">The state before.</param>
/// <param name="Step">The transition: the new state, and the half-open delay and announcement when it opened.</param>
internal sealed record EndpointTransition(BreakerState From, BreakerStep Step);
