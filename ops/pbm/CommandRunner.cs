using System.Collections.Immutable;
using Gateway.Protocol.Ops;

namespace Pbm;

/// <summary>Runs commands against the node of <see cref="PbmOptions"/>, one at a time, and lets Ctrl+C cancel the one running.</summary>
internal sealed class CommandRunner(PbmOptions options, FrameWriter frames, TextWriter error)
{
    // Commands whose one argument is a file: pbm reads it here and sends its text, so the node may be remote.
    private static readonly ImmutableArray<string>[] FileCommands = [["gateway", "routes", "apply"]];

    private CancellationTokenSource? _running;

    /// <summary>Runs the command <paramref name="words"/> and returns its exit code (1 when the node cannot be reached or a file cannot be read).</summary>
    public async Task<int> RunAsync(ImmutableArray<string> words)
    {
        string? input = null;
        if (FileArgument(words) is { } file)
        {
            try
            {
                input = await File.ReadAllTextAsync(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"pbm: cannot read {file}: {ex.Message}");
                return OpsExitCodes.Failed;
            }
        }

        var request = new OpsRequest
        {
            Token = options.Token,
            Command = words[0],
            Args = words[1..],
            Json = options.Json,
            Input = input,
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

    /// <summary>The file named by <paramref name="words"/> when they are a file command with its one argument, else null.</summary>
    public static string? FileArgument(ImmutableArray<string> words) =>
        FileCommands.Any(c => words.Length == c.Length + 1 && c.Select((w, i) => w.Equals(words[i], StringComparison.OrdinalIgnoreCase)).All(x => x))
            ? words[^1]
            : null;

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
