namespace Gateway.Actors.Upstreams;

/// <summary>The breaker of one endpoint at one moment; immutable.</summary>
/// <param name="State">Closed, open or half-open.</param>
/// <param name="Epoch">Moves on at every transition; requests carry the epoch they started in.</param>
/// <param name="Trips">Trips in a row without a close (sets the ejection time).</param>
/// <param name="TrialsInFlight">Trial requests sent and not finished, whatever epoch they started in.</param>
/// <param name="TrialsStarted">Trials granted in this half-open period.</param>
/// <param name="TrialSuccesses">Trials of this half-open period that succeeded.</param>
public sealed record BreakerSnapshot(BreakerState State, int Epoch, int Trips, int TrialsInFlight, int TrialsStarted, int TrialSuccesses)
{
    /// <summary>A closed breaker that never tripped.</summary>
    public static readonly BreakerSnapshot Initial = new(BreakerState.Closed, 0, 0, 0, 0, 0);
}
