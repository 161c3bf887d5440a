using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Hosting;

/// <summary>
/// Orders the node's stop. Readiness goes off when the host begins to stop (<c>ApplicationStopping</c>, before any
/// hosted service stops); then, this service being registered after the actor system and so stopped before it: the
/// ingress listeners close (new connections refused, admin port still answering), open ingress connections finish
/// their requests up to the drain timeout, and CoordinatedShutdown hands the shards off and leaves the cluster.
/// </summary>
internal sealed partial class DrainService(DrainState state, IngressConnections ingress, IServiceProvider services, IHostApplicationLifetime lifetime,
    ILogger<DrainService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() =>
        {
            state.Begin();
            LogDraining(logger, state.Timeout);
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        state.Begin();
        await ingress.CloseListenersAsync().ConfigureAwait(false);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(state.Timeout);
            var left = await ingress.WaitClosedAsync(timeout.Token).ConfigureAwait(false);
            if (left > 0)
            {
                LogCutOff(logger, left, state.Timeout);
                ingress.AbortAll();
            }
        }

        LogLeaving(logger);
        // Shard hand-off, cluster leave and actor system stop, each phase bounded in gateway.conf (akka.coordinated-shutdown).
        // Akka.Hosting's own stop runs it again later and finds it done.
        // The actor system is resolved only now: it does not exist yet when hosted services are created.
        var system = services.GetRequiredService<ActorSystem>();
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
        LogLeft(logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: readiness off, ingress closed to new connections, in-flight requests finish for up to {DrainTimeout}")]
    private static partial void LogDraining(ILogger logger, TimeSpan drainTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain timeout {DrainTimeout} passed with {Open} ingress connections still busy; cutting them off")]
    private static partial void LogCutOff(ILogger logger, int open, TimeSpan drainTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress drained; handing shards off and leaving the cluster")]
    private static partial void LogLeaving(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Left the cluster; stopping")]
    private static partial void LogLeft(ILogger logger);
}
