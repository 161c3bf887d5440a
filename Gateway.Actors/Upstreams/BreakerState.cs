namespace Gateway.Actors.Upstreams;

/// <summary>Circuit-breaker state of one endpoint on one node.</summary>
public enum BreakerState
{
    /// <summary>Taking traffic.</summary>
    Closed = 0,

    /// <summary>Tripped: skipped until its ejection time is over.</summary>
    Open = 1,

    /// <summary>Letting a few trial requests through; success closes, failure reopens.</summary>
    HalfOpen = 2,
}
