namespace Gateway.Actors.Upstreams;

/// <summary>The outcome of <see cref="Breaker.Next"/>.</summary>
/// <param name="State">The next state.</param>
/// <param name="OpenFor">Set when the breaker just opened: arm the half-open timer for this long.</param>
/// <param name="Announce">True when a local trip should be announced to the other nodes.</param>
/// <param name="Granted">True when a trial was granted.</param>
internal readonly record struct BreakerStep(BreakerSnapshot State, TimeSpan? OpenFor = null, bool Announce = false, bool Granted = false);
