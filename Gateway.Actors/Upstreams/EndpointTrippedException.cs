namespace Gateway.Actors.Upstreams;

/// <summary>Thrown by an endpoint actor when its breaker trips, so that its parent's supervision opens it.</summary>
public sealed class EndpointTrippedException(string endpoint, string reason)
    : Exception($"endpoint {endpoint} tripped: {reason}")
{
    /// <summary>Why it tripped.</summary>
    public string Reason { get; } = reason;
}
