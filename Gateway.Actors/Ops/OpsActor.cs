using Akka.Actor;
using Akka.Event;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>
/// <c>/user/ops</c>: resolves each <see cref="RunOpsCommand"/> against the catalog and runs it, as a task for the
/// commands that complete on their own, or as a child actor for streams and walks, which a cancel stops.
/// </summary>
internal sealed class OpsActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly OpsContext _context;
    private readonly Dictionary<IActorRef, (OpsOutput Output, CancellationTokenRegistration Registration)> _running = new();
    private long _started;

    /// <summary>Props for the ops actor over <paramref name="context"/>.</summary>
    public static Props Props(OpsContext context) => Akka.Actor.Props.Create(() => new OpsActor(context));

    public OpsActor(OpsContext context)
    {
        _context = context;
        Receive<RunOpsCommand>(Run);
        Receive<Terminated>(OnTerminated);
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        // A command that fails has already written its error; it is not restarted with the client gone or waiting.
        new OneForOneStrategy(Decider.From(Directive.Stop));

    private void Run(RunOpsCommand msg)
    {
        var (invocation, error) = _context.Catalog.Resolve(msg.Request, msg.Cancelled);
        if (invocation is null)
        {
            msg.Output.Write(error!);
            return;
        }

        var command = invocation.Command;
        if (command.Actor is { } props)
        {
            var child = Context.ActorOf(props(invocation, _context, msg.Output), $"{command.Words[^1]}-{++_started}");
            Context.Watch(child);
            var output = msg.Output;
            var registration = msg.Cancelled.Register(() =>
            {
                // The connection cancels every command once it has ended, which a finished walk already has.
                if (!output.Ended) child.Tell(CancelOpsCommand.Instance);
            });
            _running[child] = (msg.Output, registration);
            return;
        }

        _ = RunToCompletionAsync(invocation, msg.Output);
    }

    // Runs outside the actor's state: it only writes to the connection's output.
    private async Task RunToCompletionAsync(OpsInvocation invocation, OpsOutput output)
    {
        try
        {
            output.Write(await invocation.Command.Run!(invocation, _context).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (invocation.Cancelled.IsCancellationRequested)
        {
            output.End(OpsExitCodes.Ok);
        }
        catch (Exception ex)
        {
            _log.Warning("Ops command {Command} failed: {Error}", invocation.Command.Name, ex.Message);
            output.Write(OpsFrame.Error($"'{invocation.Command.Name}' failed: {ex.Message}", OpsExitCodes.Failed));
            output.End(OpsExitCodes.Failed);
        }
    }

    private void OnTerminated(Terminated terminated)
    {
        if (!_running.Remove(terminated.ActorRef, out var running)) return;
        running.Registration.Dispose();
        // A command actor ends its output when it stops; one that died before it could start has not.
        if (!running.Output.Ended)
        {
            running.Output.Write(OpsFrame.Error("the command stopped before it could run", OpsExitCodes.Failed));
            running.Output.End(OpsExitCodes.Failed);
        }
    }
}
