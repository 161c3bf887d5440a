using System.Collections.Immutable;
using Gateway.Protocol.Ops;

namespace Pbm;

/// <summary>Runs commands against the node of <see cref="PbmOptions"/>, one at a time, and lets Ctrl+C cancel the one running.</summary>
internal sealed class CommandRunner(PbmOptions options, FrameWriter frames, TextWriter error)
{
    // Commands whose one argument is a file: pbm reads it here and sends its text, so the node may be remote.
    private static readonly ImmutableArray<string>[] FileCommands =
        [["gateway", "routes", "apply"], ["gateway", "config", "diff"], ["gateway", "config", "sync"]];

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

    /// <summary>
    /// Runs <c>help</c> without printing it: proves the node answers and accepts the token, and returns the command names
    /// of its palettes (for Tab completion). On failure returns null and the reason.
    /// </summary>
    public async Task<(ImmutableArray<string>? Commands, string? Error)> HandshakeAsync()
    {
        var frames = new List<OpsFrame>();
        var request = new OpsRequest { Token = options.Token, Command = "help", Json = true };
        try
        {
            var exit = await OpsClient.RunAsync(options.Host, options.Port, request, frames.Add, CancellationToken.None);
            if (exit != OpsExitCodes.Ok)
                return (null, frames.FirstOrDefault(f => f.Type == OpsFrameTypes.Error)?.Message ?? $"the node answered 'help' with exit code {exit}");
        }
        catch (OpsClientException ex)
        {
            return (null, ex.Message);
        }
        var names = frames.Where(f => f.Type == OpsFrameTypes.Table).SelectMany(f => f.Rows ?? [])
            .Select(r => CommandName(r.IsDefaultOrEmpty ? "" : r[0])).Where(n => n.Length > 0).Distinct().ToImmutableArray();
        return (names, null);
    }

    // 'cluster join <address>' -> 'cluster join': the words before the first argument or switch.
    private static string CommandName(string syntax) =>
        string.Join(' ', syntax.Split(' ', StringSplitOptions.RemoveEmptyEntries).TakeWhile(w => char.IsLetter(w[0])));

    /// <summary>The file named by <paramref name="words"/> when they are a file command: its first argument that is not a switch; else null.</summary>
    public static string? FileArgument(ImmutableArray<string> words) =>
        FileCommands.FirstOrDefault(c => words.Length > c.Length && c.Select((w, i) => w.Equals(words[i], StringComparison.OrdinalIgnoreCase)).All(x => x)) is { IsDefault: false } command
            ? words.Skip(command.Length).FirstOrDefault(w => !w.StartsWith('-'))
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
