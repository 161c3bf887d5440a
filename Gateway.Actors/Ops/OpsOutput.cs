using System.Threading.Channels;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>
/// Where a command's frames go: the connection's bounded frame queue. Safe from any thread; after
/// <see cref="End"/> further writes are ignored, so a command cannot send past its end frame.
/// </summary>
public sealed class OpsOutput
{
    private readonly ChannelWriter<OpsFrame> _writer;
    private int _ended;

    /// <summary>Writes to <paramref name="writer"/>, which is completed after the end frame.</summary>
    public OpsOutput(ChannelWriter<OpsFrame> writer) => _writer = writer;

    /// <summary>True once the end frame was written.</summary>
    public bool Ended => Volatile.Read(ref _ended) == 1;

    /// <summary>Queues <paramref name="frame"/> unless the output has ended.</summary>
    public void Write(OpsFrame frame)
    {
        if (!Ended) _writer.TryWrite(frame);
    }

    /// <summary>Queues the frames of <paramref name="result"/> and ends with its exit code.</summary>
    public void Write(OpsResult result)
    {
        foreach (var frame in result.Frames) Write(frame);
        End(result.ExitCode);
    }

    /// <summary>Writes the end frame with <paramref name="exitCode"/> and completes the queue; later calls do nothing.</summary>
    public void End(int exitCode)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1) return;
        _writer.TryWrite(OpsFrame.End(exitCode));
        _writer.TryComplete();
    }
}
