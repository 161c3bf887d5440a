namespace Gateway.Protocol.Routing;

/// <summary>Why a route answered with its fallback instead of its upstream's answer.</summary>
public enum FallbackReason
{
    /// <summary>No endpoint could be tried: every endpoint of every backend is open, unhealthy or refused the connection.</summary>
    Unavailable,

    /// <summary>The upstream's admission queue was full (the request would have been shed with 503).</summary>
    Shed,

    /// <summary>The upstream did not answer in time.</summary>
    Timeout,

    /// <summary>The upstream answered with a 5xx status.</summary>
    Error,
}
