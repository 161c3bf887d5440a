using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>
/// Sent by the node's ops host to <c>/user/ops</c> for each request on a connection: run it and write its frames to
/// <paramref name="Output"/>, ending it exactly once. <paramref name="Cancelled"/> fires when the client sends a cancel
/// frame or goes away. Local only: it never crosses the network.
/// </summary>
public sealed record RunOpsCommand(OpsRequest Request, OpsOutput Output, CancellationToken Cancelled);

/// <summary>Sent by <c>/user/ops</c> to a command's child actor when the client cancelled it: end with exit code 0 and stop.</summary>
internal sealed record CancelOpsCommand
{
    /// <summary>The single instance.</summary>
    public static CancelOpsCommand Instance { get; } = new();

    private CancelOpsCommand()
    {
    }
}
