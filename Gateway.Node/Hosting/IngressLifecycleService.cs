using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Gateway.Actors.ConfigStore;
using Gateway.Actors.Ingress;
using Gateway.Actors.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Hosting;

/// <summary>
/// Opens the ingress once the node is ready, and orders the node's stop. Readiness goes off when the host begins to
/// stop (<c>ApplicationStopping</c>); then, before any hosted service stops (<see cref="StoppingAsync"/>): the ingress
/// listeners close (new connections refused, the admin port still answering), requests on open keep-alive connections
/// are answered with <c>Connection: close</c> for the keep-alive grace, then idle connections close and busy ones finish
/// their requests up to the drain timeout, and CoordinatedShutdown hands the shards off and leaves the cluster. Only then
/// do Kestrel and the actor system's host stop.
/// </summary>
internal sealed partial class IngressLifecycleService(DrainState state, IngressConnections ingress, IServiceProvider services,
    IHostApplicationLifetime lifetime, ILogger<IngressLifecycleService> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(25);
    private readonly CancellationTokenSource _stopping = new();
    private Task _opening = Task.CompletedTask;

    /// <summary>True when this node may take traffic: Up, and its route table holds the replicated set as it stood after its rehydration.</summary>
    public static bool CanServe(ActorSystem system, RouteTableHolder table, ConfigReplicaStatus replica) =>
        Cluster.Get(system).SelfMember.Status == MemberStatus.Up && table.IsLoaded && replica.IsSynced;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (WaitsLongOnOneCpu(Environment.ProcessorCount, Environment.GetEnvironmentVariable)) LogSingleCpuTiering(logger);
        lifetime.ApplicationStopping.Register(() => state.Begin());
        return Task.CompletedTask;
    }

    // After every StartAsync, Kestrel's included (the web server starts last): its ingress listeners exist, unbound, by now.
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _opening = OpenWhenReadyAsync(services.GetRequiredService<ActorSystem>(), services.GetRequiredService<RouteTableHolder>(),
            services.GetRequiredService<ConfigReplicaStatus>(), _stopping.Token);
        return Task.CompletedTask;
    }

    // Before any StopAsync: the web server stops first of all hosted services (it started last), and with it the admin port,
    // so the drain and the cluster leave run here, while /readyz still answers.
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.Begin();
        LogDraining(logger, state.Timeout);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _opening.ConfigureAwait(false);
        await ingress.CloseListenersAsync().ConfigureAwait(false);
        // A client may be sending on a keep-alive connection right now: answer it (Connection: close) rather than cut it.
        var grace = state.KeepAliveGrace < state.Timeout ? state.KeepAliveGrace : state.Timeout;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await ingress.WaitClosedAsync(grace, cancellationToken).ConfigureAwait(false);
        ingress.CloseIdle();
        var rest = state.Timeout - clock.Elapsed;
        var left = await ingress.WaitClosedAsync(rest > TimeSpan.Zero ? rest : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        if (left > 0)
        {
            LogCutOff(logger, left, state.Timeout);
            ingress.AbortAll();
        }

        LogLeaving(logger);
        // Shard hand-off, cluster leave and actor system stop, each phase bounded in gateway.conf (akka.coordinated-shutdown).
        // Akka.Hosting's own stop runs it again later and finds it done.
        await CoordinatedShutdown.Get(services.GetRequiredService<ActorSystem>()).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
        LogLeft(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _stopping.Dispose();
        return Task.CompletedTask;
    }

    private async Task OpenWhenReadyAsync(ActorSystem system, RouteTableHolder table, ConfigReplicaStatus replica, CancellationToken stopping)
    {
        try
        {
            while (!CanServe(system, table, replica)) await Task.Delay(ReadyPoll, stopping).ConfigureAwait(false);
            // Before the ingress opens (and /readyz turns 200): the request path, over loopback, until the JIT is quiet.
            var warmup = services.GetRequiredService<IngressWarmup>();
            if (warmup.Settings.Duration > TimeSpan.Zero && ingress.WarmupListener is { } loopback) await WarmUpAsync(warmup, loopback, stopping).ConfigureAwait(false);
            // A stop during the pass ends it without an error: the ingress must not open then, not even for a moment.
            stopping.ThrowIfCancellationRequested();
            // The start's garbage (config, journal recovery, the pass's own requests) is dead now: one full compacting
            // collection that hands the freed memory back to the OS, so the node does not idle on the heap the start grew.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            NativeHeap.Trim();
            await ingress.OpenAsync(stopping).ConfigureAwait(false);
            LogOpen(logger);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // A node that cannot take traffic must not look alive: stop it, with a failing exit code.
            LogOpenFailed(logger, ex);
            Environment.ExitCode = 3;
            lifetime.StopApplication();
        }
    }

    /// <summary>
    /// True when the runtime will wait ten times its tiering delay before it optimises hot code: the process sees one CPU
    /// and neither the multiplier nor the delay itself is set (issue 12: under load such a node took 40-60 s to reach its
    /// full rate, and the warm-up pass ends before the runtime promotes anything).
    /// </summary>
    internal static bool WaitsLongOnOneCpu(int processorCount, Func<string, string?> environment) =>
        processorCount == 1
        && environment("DOTNET_TC_DelaySingleProcMultiplier") is null && environment("COMPlus_TC_DelaySingleProcMultiplier") is null
        && environment("DOTNET_TC_CallCountingDelayMs") is null && environment("COMPlus_TC_CallCountingDelayMs") is null
        && AppContext.GetData("System.Runtime.TieredCompilation.CallCountingDelayMs") is null;

    // The pass only speeds the first seconds up: if it cannot run (its loopback port cannot bind...), the node opens anyway.
    private async Task WarmUpAsync(IngressWarmup warmup, GatedListener loopback, CancellationToken stopping)
    {
        try
        {
            await loopback.OpenAsync(stopping).ConfigureAwait(false);
            var sent = await warmup.RunAsync(((IPEndPoint)loopback.EndPoint).Port, stopping).ConfigureAwait(false);
            LogWarmedUp(logger, sent, warmup.Elapsed.TotalMilliseconds, warmup.EndedQuiet ? "the JIT went quiet" : "its duration passed",
                warmup.Failed);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            LogWarmupFailed(logger, ex);
        }
        finally
        {
            await loopback.UnbindAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This node sees one CPU and DOTNET_TC_DelaySingleProcMultiplier is not set: the runtime waits 10 times longer before it optimises hot code, so under load the node reaches its full rate only after 40-60 s. Set DOTNET_TC_DelaySingleProcMultiplier=1 (the shipped image and systemd unit do)")]
    private static partial void LogSingleCpuTiering(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up pass failed; opening the ingress without it")]
    private static partial void LogWarmupFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up: {Requests} requests through the request path over loopback in {ElapsedMs:0} ms, ended as {Reason} ({Failed} not answered 200)")]
    private static partial void LogWarmedUp(ILogger logger, int requests, double elapsedMs, string reason, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node ready: ingress open")]
    private static partial void LogOpen(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Ingress could not listen; stopping the node")]
    private static partial void LogOpenFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: readiness off, ingress closed to new connections, in-flight requests finish for up to {DrainTimeout}")]
    private static partial void LogDraining(ILogger logger, TimeSpan drainTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain timeout {DrainTimeout} passed with {Open} ingress connections still busy; cutting them off")]
    private static partial void LogCutOff(ILogger logger, int open, TimeSpan drainTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress drained; handing shards off and leaving the cluster")]
    private static partial void LogLeaving(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Left the cluster; stopping")]
    private static partial void LogLeft(ILogger logger);
}
