using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Hosting;

/// <summary>Whether the node is draining: set once the host starts stopping, read by <c>/readyz</c>.</summary>
public sealed class DrainState
{
    private int _draining;

    /// <summary>True from the moment the host began to stop (SIGTERM or <c>StopApplication</c>).</summary>
    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <summary>Marks the node as draining; returns false if it already was.</summary>
    public bool Begin() => Interlocked.Exchange(ref _draining, 1) == 0;
}

/// <summary>
/// Orders the shutdown: readiness off (on <c>ApplicationStopping</c>, before any hosted service stops), then Kestrel stops
/// accepting and waits for in-flight requests up to the drain timeout, then the Akka hosted service, registered before this
/// one and so stopped after it, runs CoordinatedShutdown (shard hand-off, cluster leave).
/// </summary>
internal sealed class DrainService(DrainState state, IServer server, IHostApplicationLifetime lifetime, TimeSpan drainTimeout, ILogger<DrainService> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() =>
        {
            if (state.Begin()) logger.LogInformation("Draining: readiness off, finishing in-flight requests for up to {DrainTimeout}", drainTimeout);
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        state.Begin();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(drainTimeout);
        // Kestrel closes its listeners at once and lets open requests finish until the token fires; the web host's own
        // later StopAsync on the same server returns when this one has.
        await server.StopAsync(timeout.Token).ConfigureAwait(false);
        logger.LogInformation("Ingress stopped; leaving the cluster");
    }
}
