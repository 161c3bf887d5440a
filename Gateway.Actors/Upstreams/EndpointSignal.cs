namespace Gateway.Actors.Upstreams;

/// <summary>What the hot path tells an endpoint's actor: only on a trip and on half-open trials, never per ordinary request.</summary>
public enum EndpointSignal
{
    /// <summary>The breaker just opened.</summary>
    Tripped,

    /// <summary>A half-open trial request succeeded.</summary>
    TrialSucceeded,
}
