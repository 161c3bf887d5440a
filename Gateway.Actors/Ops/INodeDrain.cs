namespace Gateway.Actors.Ops;

/// <summary>
/// The node's graceful drain, as the <c>gateway drain</c> command starts it: the same path as SIGTERM (readiness off,
/// ingress closed to new connections, in-flight requests finished, shards handed off, cluster left, process exit 0).
/// </summary>
public interface INodeDrain
{
    /// <summary>True once the drain has begun.</summary>
    bool IsDraining { get; }

    /// <summary>Longest wait for in-flight requests before they are cut off (<c>gateway.shutdown.drain-timeout</c>).</summary>
    TimeSpan Timeout { get; }

    /// <summary>Starts the drain; returns false when it had already begun.</summary>
    bool Start();
}
