using Gateway.Actors.Ops;
using Microsoft.Extensions.Hosting;

namespace Gateway.Node.Hosting;

/// <summary>
/// Whether the node is draining: set once the host begins to stop (SIGTERM, <c>StopApplication</c> or
/// <c>gateway drain</c>), read by <c>/readyz</c> and the ingress.
/// </summary>
public sealed class DrainState(IHostApplicationLifetime lifetime, TimeSpan timeout, TimeSpan keepAliveGrace = default) : INodeDrain
{
    /// <summary>How long requests arriving on open keep-alive connections are answered (with <c>Connection: close</c>) before idle ones close.</summary>
    public TimeSpan KeepAliveGrace => keepAliveGrace;

    private int _draining;

    /// <inheritdoc />
    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <inheritdoc />
    public TimeSpan Timeout => timeout;

    /// <summary>Marks the node as draining; returns false if it already was. The host stop does the rest.</summary>
    public bool Begin() => Interlocked.Exchange(ref _draining, 1) == 0;

    /// <summary>Stops the host, which drains (see <see cref="DrainService"/>); returns false when the drain had already begun.</summary>
    public bool Start()
    {
        var started = Begin();
        // Off the caller's thread: ApplicationStopping callbacks run inside StopApplication.
        if (started) ThreadPool.QueueUserWorkItem(static l => l.StopApplication(), lifetime, preferLocal: false);
        return started;
    }
}
