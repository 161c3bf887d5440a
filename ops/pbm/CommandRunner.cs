using System.Collections.Immutable;
using Gateway.Protocol.Ops;

namespace Pbm;

/// <summary>Runs commands against the node of <see cref="PbmOptions"/>, one at a time, and lets Ctrl+C cancel the one running.</summary>
internal sealed class CommandRunner(PbmOptions options, FrameWriter frames, TextWriter error)
{
    private CancellationTokenSource? _running;

    /// <summary>Runs the command <paramref name="words"/> and returns its exit code (1 when the node cannot be reached).</summary>
    public async Task<int> RunAsync(ImmutableArray<string> words)
    {
        var request = new OpsRequest
        {
            Token = options.Token,
            Command = words[0],
            Args = words[1..],
            Json = options.Json,
        };
        using var cancel = new CancellationTokenSource();
        Volatile.Write(ref _running, cancel);
        try
        {
            return await OpsClient.RunAsync(options.Host, options.Port, request, frames.Write, cancel.Token);
        }
        catch (OpsClientException ex)
        {
            error.WriteLine($"pbm: {ex.Message}");
            return OpsExitCodes.Failed;
        }
        finally
        {
            Volatile.Write(ref _running, null);
        }
    }

    /// <summary>Cancels the running command; false when none runs.</summary>
    public bool CancelRunning()
    {
        var running = Volatile.Read(ref _running);
        if (running is null) return false;
        try
        {
            running.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        return true;
    }
}
