using System.Collections.Immutable;
using System.Text;

namespace Pbm;

/// <summary>
/// <c>pbm HOST:PORT</c> without a command: a prompt that sends each line to the node. Local commands: <c>history</c>,
/// <c>exit</c> (or <c>quit</c>); <c>help</c> is answered by the node. On a terminal, up and down arrows walk the history.
/// </summary>
internal sealed class InteractiveShell(CommandRunner runner, PbmOptions options, TextReader input, TextWriter output)
{
    private readonly List<string> _history = [];
    private ImmutableArray<string> _commands = [];

    /// <summary>
    /// Connects first (a <c>help</c> request: the node answers and takes the token), then reads commands until <c>exit</c> or
    /// end of input and returns 0: each command's failure was printed where it happened. Returns 1 when the node cannot be
    /// reached or refuses the token, without saying "connected".
    /// </summary>
    public async Task<int> RunAsync(TextWriter error)
    {
        var (commands, refused) = await runner.HandshakeAsync();
        if (commands is null)
        {
            error.WriteLine($"pbm: {refused}");
            return Gateway.Protocol.Ops.OpsExitCodes.Failed;
        }
        _commands = commands.Value;
        var prompt = $"pbm {options.Host}:{options.Port}> ";
        output.WriteLine($"connected to {options.Host}:{options.Port}; 'help' lists the commands, 'history' the ones typed, 'exit' quits; Tab completes, Ctrl+C stops a streaming command");
        while (true)
        {
            output.Write(prompt);
            output.Flush();
            var line = Console.IsInputRedirected || !ReferenceEquals(input, Console.In) ? await input.ReadLineAsync() : ReadWithHistory();
            if (line is null) return 0;
            var words = Split(line);
            if (words.Length == 0) continue;
            if (_history.Count == 0 || _history[^1] != line.Trim()) _history.Add(line.Trim());

            switch (words[0].ToLowerInvariant())
            {
                case "exit" or "quit":
                    return 0;
                case "history":
                    for (var i = 0; i < _history.Count; i++) output.WriteLine($"{i + 1,4}  {_history[i]}");
                    continue;
            }
            await runner.RunAsync(words);
            if (words[0].Equals("help", StringComparison.OrdinalIgnoreCase) && words.Length == 1)
                output.WriteLine("local: history, exit");
        }
    }

    /// <summary>Splits a line into words; double quotes keep spaces inside one word.</summary>
    public static ImmutableArray<string> Split(string line)
    {
        var words = ImmutableArray.CreateBuilder<string>();
        var word = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any) words.Add(word.ToString());
                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }
        if (any) words.Add(word.ToString());
        return words.ToImmutable();
    }

    // A minimal line editor: typing, backspace, enter, and up/down through the history.
    private string? ReadWithHistory()
    {
        var line = new StringBuilder();
        var index = _history.Count;
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    output.WriteLine();
                    return line.ToString();
                case ConsoleKey.Backspace when line.Length > 0:
                    line.Length--;
                    output.Write("\b \b");
                    break;
                case ConsoleKey.UpArrow when index > 0:
                    Replace(line, _history[--index]);
                    break;
                case ConsoleKey.DownArrow when index < _history.Count:
                    index++;
                    Replace(line, index < _history.Count ? _history[index] : "");
                    break;
                case ConsoleKey.Tab:
                    var (completed, candidates) = Gateway.Protocol.Ops.OpsCompletion.Complete(line.ToString(), _commands);
                    if (candidates.Length > 1)
                    {
                        output.WriteLine();
                        output.WriteLine(string.Join("  ", candidates));
                        output.Write($"pbm {options.Host}:{options.Port}> " + line);
                    }
                    if (completed != line.ToString())
                    {
                        output.Write(completed[line.Length..]);
                        line.Clear().Append(completed);
                    }
                    break;
                case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control) && line.Length == 0:
                    output.WriteLine();
                    return null;
                default:
                    if (!char.IsControl(key.KeyChar))
                    {
                        line.Append(key.KeyChar);
                        output.Write(key.KeyChar);
                    }
                    break;
            }
            output.Flush();
        }
    }

    private void Replace(StringBuilder line, string text)
    {
        output.Write(new string('\b', line.Length) + new string(' ', line.Length) + new string('\b', line.Length));
        line.Clear().Append(text);
        output.Write(text);
    }
}
