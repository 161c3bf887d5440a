using System.Collections.Immutable;

namespace Pbm;

/// <summary>The parsed command line: where to connect, the command words, and the output and token options.</summary>
internal sealed record PbmOptions(string Host, int Port, ImmutableArray<string> Command, bool Json, string? Token)
{
    /// <summary>The usage text printed for a usage error (exit code 2).</summary>
    public const string Usage = """
        usage: pbm [HOST:PORT] [COMMAND ARGS...] [--json] [--token TOKEN]
          pbm cluster show                    run one command on 127.0.0.1:9110 and exit (0 ok, 1 failed, 2 usage error)
          pbm 10.0.0.5:9110 cluster show      the same on another node
          pbm                                 interactive prompt on 127.0.0.1:9110 (help, history, Tab completes, exit)
          pbm help                            the node's commands; 'pbm help gateway' one palette
          --json                              machine-readable output: one JSON object per line (camelCase keys, typed values)
          --token TOKEN                       the node's ops token (default: the PBM_TOKEN environment variable)
          -h, --help                          this text
        """;

    /// <summary>Where pbm connects without a HOST:PORT: Petabridge.Cmd's default.</summary>
    public const string DefaultTarget = "127.0.0.1:9110";

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

        // A first word that is HOST:PORT names the node; otherwise the words are the command, sent to 127.0.0.1:9110.
        if (positional.Count > 0 && TryParseTarget(positional[0], out var host, out var port))
            return (new PbmOptions(host, port, [.. positional.Skip(1)], json, token), null);
        if (positional.Count > 0 && LooksLikeTarget(positional[0]))
            return (null, $"'{positional[0]}' is not HOST:PORT (e.g. 127.0.0.1:9110)");
        TryParseTarget(DefaultTarget, out host, out port);
        return (new PbmOptions(host, port, [.. positional], json, token), null);
    }

    // 'localhost:x' or '10.0.0.1:' is a mistyped address, not a command word.
    private static bool LooksLikeTarget(string text) => text.Contains(':') && !text.Contains("://", StringComparison.Ordinal);

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
