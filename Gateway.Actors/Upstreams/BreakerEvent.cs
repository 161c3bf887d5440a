namespace Gateway.Actors.Upstreams;

/// <summary>What happens to a breaker.</summary>
internal abstract record BreakerEvent
{
    private BreakerEvent()
    {
    }

    /// <summary>Trip: failures in a row or a failure ratio seen here in <paramref name="Epoch"/>, or (<paramref name="Remote"/>) another node's ejection.</summary>
    public sealed record Trip(int Epoch, bool Remote = false) : BreakerEvent;

    /// <summary>The half-open timer armed when the breaker opened in <paramref name="Epoch"/> fired.</summary>
    public sealed record EjectionOver(int Epoch) : BreakerEvent;

    /// <summary>A request wants to go to a half-open endpoint as a trial.</summary>
    public sealed record TrialRequested : BreakerEvent
    {
        /// <summary>The only instance.</summary>
        public static readonly TrialRequested Instance = new();
    }

    /// <summary>A trial request granted in <paramref name="Epoch"/> finished.</summary>
    public sealed record TrialFinished(int Epoch, bool Success) : BreakerEvent;
}
