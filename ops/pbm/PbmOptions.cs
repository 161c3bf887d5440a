using System.Collections.Immutable;

namespace Pbm;

/// <summary>The parsed command line: where to connect, the command words, and the output and token options.</summary>
internal sealed record PbmOptions(string Host, int Port, ImmutableArray<string> Command, bool Json, string? Token)
{
    /// <summary>The usage text printed for a usage error (exit code 2).</summary>
    public const string Usage = """
        usage: pbm HOST:PORT [COMMAND ARGS...] [--json] [--token TOKEN]
          pbm 127.0.0.1:9110 cluster show     run one command and exit (0 ok, 1 failed, 2 usage error)
          pbm 127.0.0.1:9110                  interactive prompt (help, history, exit)
          --json                              machine-readable output: one JSON object per line
          --token TOKEN                       the node's ops token (default: the PBM_TOKEN environment variable)
        """;

    /// <summary>Parses <paramref name="args"/>; on a usage error returns null and the message.</summary>
    public static (PbmOptions? Options, string? Error) Parse(IReadOnlyList<string> args, string? tokenFromEnvironment)
    {
        var json = false;
        var token = string.IsNullOrEmpty(tokenFromEnvironment) ? null : tokenFromEnvironment;
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--token" when i + 1 < args.Count:
                    token = args[++i];
                    break;
                case "--token":
                    return (null, "--token needs a value");
                case "-h" or "--help":
                    return (null, "");
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        if (positional.Count == 0) return (null, "missing HOST:PORT");
        if (!TryParseTarget(positional[0], out var host, out var port)) return (null, $"'{positional[0]}' is not HOST:PORT (e.g. 127.0.0.1:9110)");
        return (new PbmOptions(host, port, [.. positional.Skip(1)], json, token), null);
    }

    /// <summary>Splits <c>host:port</c> or <c>[v6]:port</c>.</summary>
    public static bool TryParseTarget(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
            || port is < 1 or > 65535)
        {
            return false;
        }
        host = text[..colon].Trim('[', ']');
        return host.Length > 0;
    }
}
