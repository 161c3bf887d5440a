using System.Diagnostics;
using Akka.Actor;
using Gateway.Actors.ConfigStore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Hosting;

/// <summary>
/// Watches for a pause of this process (see <see cref="PauseDetector"/>) on a thread of its own, so a busy thread pool
/// is not mistaken for one. A node that resumes after a long pause steps back at once: its owners stop persisting
/// (<see cref="WriteFence"/>), <c>/readyz</c> turns 503 and the node drains like on SIGTERM (ingress closed, shards handed
/// off, cluster left) and exits with code 4, for its supervisor to start it afresh: the others may have removed it and
/// written changes it has not seen.
/// </summary>
internal sealed partial class PauseWatchService(PauseDetector detector, TimeSpan interval, DrainState drain, IServiceProvider services,
    ILogger<PauseWatchService> logger) : IHostedService
{
    /// <summary>The exit code of a node that stepped back after a pause.</summary>
    public const int SteppedBackExitCode = 4;

    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (detector.MaxPause <= TimeSpan.Zero) return Task.CompletedTask;
        _thread = new Thread(Watch) { IsBackground = true, Name = "pause-watch" };
        _thread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stop.Cancel();
        return Task.CompletedTask;
    }

    private void Watch()
    {
        var clock = Stopwatch.StartNew();
        var previous = clock.Elapsed;
        while (!_stop.IsCancellationRequested)
        {
            _stop.Token.WaitHandle.WaitOne(interval);
            var now = clock.Elapsed;
            if (detector.Pause(previous, now) is { } pause)
            {
                StepBack(pause);
                return;
            }
            previous = now;
        }
    }

    private void StepBack(TimeSpan pause)
    {
        var reason = $"the process was paused for {pause.TotalSeconds:0.0} s";
        if (services.GetService(typeof(ActorSystem)) is ActorSystem system) WriteFence.Get(system).StepBack(reason);
        LogStepBack(logger, pause.TotalSeconds);
        Environment.ExitCode = SteppedBackExitCode;
        drain.Start();
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Resumed after a pause of {PauseSeconds:0.0} s: stepping back (not ready, no writes), draining and exiting for a restart")]
    private static partial void LogStepBack(ILogger logger, double pauseSeconds);
}
