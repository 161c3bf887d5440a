using System.Collections.Immutable;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>What a command that runs to completion answers: its frames and exit code (the end frame is added on sending).</summary>
public sealed record OpsResult(ImmutableArray<OpsFrame> Frames, int ExitCode)
{
    /// <summary>A successful result.</summary>
    public static OpsResult Ok(params OpsFrame[] frames) => new([.. frames], OpsExitCodes.Ok);

    /// <summary>A successful result of one line.</summary>
    public static OpsResult Line(string text) => Ok(OpsFrame.Line(text));

    /// <summary>A command that ran and failed.</summary>
    public static OpsResult Failed(string message) => new([OpsFrame.Error(message, OpsExitCodes.Failed)], OpsExitCodes.Failed);

    /// <summary>A request that was wrong, with the usage line that would have been right.</summary>
    public static OpsResult UsageError(string message, string usage) =>
        new([OpsFrame.Error(message, OpsExitCodes.Usage, usage)], OpsExitCodes.Usage);

    /// <summary>A finished task of this result.</summary>
    public Task<OpsResult> AsTask() => Task.FromResult(this);
}
