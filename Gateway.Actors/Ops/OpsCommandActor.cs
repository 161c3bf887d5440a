using Akka.Actor;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>
/// Base of the commands that run as child actors of <c>/user/ops</c> (streams and tree walks). It ends the output with
/// exit code 0 when stopped (a cancel included) and with an error frame and exit code 1 when it fails.
/// </summary>
internal abstract class OpsCommandActor : ReceiveActor
{
    /// <summary>Sets up the cancel handling for a command writing to <paramref name="output"/>.</summary>
    protected OpsCommandActor(OpsOutput output)
    {
        Output = output;
        Receive<CancelOpsCommand>(_ => Context.Stop(Self));
    }

    /// <summary>Where the command's frames go.</summary>
    protected OpsOutput Output { get; }

    /// <summary>Starts the command (subscriptions, first messages); called from <see cref="PreStart"/>.</summary>
    protected abstract void Start();

    /// <inheritdoc />
    protected sealed override void PreStart()
    {
        try
        {
            Start();
        }
        catch (Exception ex)
        {
            Fail(ex);
            throw;
        }
    }

    /// <inheritdoc />
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception ex)
        {
            Fail(ex);
            throw;
        }
    }

    /// <inheritdoc />
    protected override void PostStop() => Output.End(OpsExitCodes.Ok);

    private void Fail(Exception ex)
    {
        Output.Write(OpsFrame.Error($"command failed: {ex.Message}", OpsExitCodes.Failed));
        Output.End(OpsExitCodes.Failed);
    }
}
