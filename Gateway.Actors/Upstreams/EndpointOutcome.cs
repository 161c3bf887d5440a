namespace Gateway.Actors.Upstreams;

/// <summary>How a forwarded request ended, as the endpoint's breaker counts it.</summary>
public enum EndpointOutcome
{
    /// <summary>Neither: the client went away, or nothing was decided about the endpoint.</summary>
    Abandoned = 0,

    /// <summary>The endpoint answered (below 500).</summary>
    Succeeded = 1,

    /// <summary>The endpoint failed: no answer, a connection error or a 5xx.</summary>
    Failed = 2,
}
