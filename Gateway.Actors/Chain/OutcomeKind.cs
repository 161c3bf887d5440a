namespace Gateway.Actors.Chain;

/// <summary>How a request ended, for the outcome renderer's metrics.</summary>
public enum OutcomeKind : byte
{
    /// <summary>The step wrote the response itself (forwarded, served from the cache, a preflight answered).</summary>
    Answered,

    /// <summary>Refused with a problem response that the renderer writes.</summary>
    Problem,

    /// <summary>Refused by the route's rate limit (429).</summary>
    RateLimited,

    /// <summary>Refused because the upstream's queue is full (503).</summary>
    Shed,

    /// <summary>The client went away before an answer (recorded as 499).</summary>
    ClientGone,
}
