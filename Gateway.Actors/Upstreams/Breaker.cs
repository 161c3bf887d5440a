namespace Gateway.Actors.Upstreams;

/// <summary>
/// The circuit breaker of one endpoint as a pure function: <see cref="Next"/> takes the state and an event and returns the
/// next state and what the endpoint's actor must do about it (arm the half-open timer, announce a trip to the cluster).
/// <see cref="EndpointState"/> applies it lock-free (compare-and-swap of an immutable snapshot) on the rare transitions;
/// the closed fast path never calls it.
/// </summary>
/// <remarks>
/// Every transition moves the <see cref="BreakerSnapshot.Epoch"/> on. A request carries the epoch it started in, so its
/// outcome counts only in that epoch: a request sent before a trip is never taken for a half-open trial, and a failure
/// sent while closed cannot trip an endpoint that has since opened and half-opened. Trials are granted when a request
/// starts, never more than <see cref="BreakerPolicy.HalfOpenTrials"/> per half-open period nor in flight at once.
/// </remarks>
internal static class Breaker
{
    /// <summary>The next state after <paramref name="e"/>, under <paramref name="policy"/>.</summary>
    public static BreakerStep Next(BreakerSnapshot s, BreakerEvent e, BreakerPolicy policy) => e switch
    {
        BreakerEvent.Trip trip => OnTrip(s, trip, policy),
        BreakerEvent.EjectionOver over => s.State == BreakerState.Open && over.Epoch == s.Epoch
            ? new BreakerStep(s with { State = BreakerState.HalfOpen, Epoch = s.Epoch + 1, TrialsStarted = 0, TrialSuccesses = 0 })
            : new BreakerStep(s),
        BreakerEvent.TrialRequested => s.State == BreakerState.HalfOpen
                && s.TrialsStarted < policy.HalfOpenTrials && s.TrialsInFlight < policy.HalfOpenTrials
            ? new BreakerStep(s with { TrialsStarted = s.TrialsStarted + 1, TrialsInFlight = s.TrialsInFlight + 1 }, Granted: true)
            : new BreakerStep(s),
        BreakerEvent.TrialFinished done => OnTrialFinished(s, done, policy),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, "Unknown breaker event."),
    };

    private static BreakerStep OnTrip(BreakerSnapshot s, BreakerEvent.Trip trip, BreakerPolicy policy)
    {
        // Idempotent while open, from here or from another node: no extra trip, no re-armed timer, no announcement.
        if (s.State == BreakerState.Open) return new BreakerStep(s);
        // A local failure of a request that started in an earlier epoch says nothing about the endpoint now.
        if (!trip.Remote && trip.Epoch != s.Epoch) return new BreakerStep(s);
        return Open(s, policy, announce: !trip.Remote);
    }

    private static BreakerStep OnTrialFinished(BreakerSnapshot s, BreakerEvent.TrialFinished done, BreakerPolicy policy)
    {
        var released = s with { TrialsInFlight = Math.Max(0, s.TrialsInFlight - 1) };
        if (s.State != BreakerState.HalfOpen || done.Epoch != s.Epoch) return new BreakerStep(released);
        if (!done.Success) return Open(released, policy, announce: true);
        var successes = released.TrialSuccesses + 1;
        return successes >= policy.HalfOpenTrials
            ? new BreakerStep(released with { State = BreakerState.Closed, Epoch = s.Epoch + 1, Trips = 0, TrialsStarted = 0, TrialSuccesses = 0 })
            : new BreakerStep(released with { TrialSuccesses = successes });
    }

    private static BreakerStep Open(BreakerSnapshot s, BreakerPolicy policy, bool announce)
    {
        var trips = s.Trips + 1;
        var next = s with { State = BreakerState.Open, Epoch = s.Epoch + 1, Trips = trips, TrialsStarted = 0, TrialSuccesses = 0 };
        return new BreakerStep(next, OpenFor: policy.EjectionFor(trips), Announce: announce);
    }
}
