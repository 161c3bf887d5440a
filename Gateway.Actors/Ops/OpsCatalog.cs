using System.Collections.Immutable;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>The palettes a node offers and the resolution of a request's words to one of their commands.</summary>
public sealed class OpsCatalog
{
    /// <summary>Creates a catalog of <paramref name="palettes"/>.</summary>
    public OpsCatalog(IEnumerable<OpsPalette> palettes) => Palettes = [.. palettes];

    /// <summary>The node's palettes: cluster, gateway, log, actor, and help/version.</summary>
    public static OpsCatalog Default { get; } = new(
    [
        ClusterPalette.Palette,
        GatewayPalette.Palette,
        CachePalette.Palette,
        LogPalette.Palette,
        ActorPalette.Palette,
        CorePalette.Palette,
    ]);

    /// <summary>The palettes, in help order.</summary>
    public ImmutableArray<OpsPalette> Palettes { get; }

    /// <summary>Usage of pbm as a whole, for requests that name no known palette.</summary>
    public string GeneralUsage =>
        $"usage: pbm [HOST:PORT] <command> [args...]; commands start with {string.Join(", ", Palettes.SelectMany(p => p.Commands).Select(c => c.Words[0]).Distinct())}; try 'help'";

    /// <summary>
    /// Resolves <paramref name="request"/>: the longest command whose words start the request's words (command words,
    /// then arguments; case-insensitive), with the rest as arguments. Otherwise a usage error (exit code 2).
    /// </summary>
    public (OpsInvocation? Invocation, OpsResult? Error) Resolve(OpsRequest request, CancellationToken cancelled)
    {
        string[] tokens = [.. request.Command.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), .. request.Args];
        if (tokens.Length == 0) return (null, OpsResult.UsageError("no command given", GeneralUsage));

        OpsCommand? best = null;
        foreach (var command in Palettes.SelectMany(p => p.Commands))
        {
            var words = command.Words;
            if (words.Length > tokens.Length || best is not null && best.Words.Length >= words.Length) continue;
            if (words.Select((w, i) => w.Equals(tokens[i], StringComparison.OrdinalIgnoreCase)).All(x => x)) best = command;
        }

        var typed = string.Join(' ', tokens);
        if (best is null)
        {
            var palette = Palettes.FirstOrDefault(p => p.Name.Equals(tokens[0], StringComparison.OrdinalIgnoreCase));
            return palette is null
                ? (null, OpsResult.UsageError($"unknown command '{typed}'", GeneralUsage))
                : (null, OpsResult.UsageError($"unknown command '{typed}'", PaletteUsage(palette)));
        }

        var (args, options, switchError) = ReadSwitches(best, tokens[best.Words.Length..]);
        if (switchError is not null) return (null, OpsResult.UsageError(switchError, best.Usage));
        if (args.Length < best.MinArgs || args.Length > best.MaxArgs)
        {
            var expected = best.MinArgs == best.MaxArgs ? $"{best.MinArgs}" : $"{best.MinArgs} to {best.MaxArgs}";
            return (null, OpsResult.UsageError($"'{best.Name}' takes {expected} argument(s), got {args.Length}", best.Usage));
        }
        return (new OpsInvocation(best, [.. args], request.Json, cancelled) { Input = request.Input, Options = options }, null);
    }

    // Takes the command's switches out of its arguments; a word starting with '-' that is no switch of a command that has
    // switches is an error. Commands without switches keep every word as an argument.
    private static (string[] Args, ImmutableDictionary<string, string> Options, string? Error) ReadSwitches(OpsCommand command, string[] words)
    {
        var options = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (command.Switches.IsDefaultOrEmpty) return (words, options.ToImmutable(), null);
        var args = new List<string>();
        for (var i = 0; i < words.Length; i++)
        {
            var word = words[i];
            if (word.Length < 2 || word[0] != '-')
            {
                args.Add(word);
                continue;
            }
            var (name, inline) = word.StartsWith("--", StringComparison.Ordinal)
                ? (word[2..].Split('=', 2)[0], word.Contains('=') ? word[(word.IndexOf('=') + 1)..] : null)
                : (word[1..], null);
            var known = command.Switches.FirstOrDefault(s => word.StartsWith("--", StringComparison.Ordinal)
                ? s.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
                : s.Short is not null && s.Short.Equals(name, StringComparison.Ordinal));
            if (known is null)
                return ([], options.ToImmutable(), $"unknown option '{word}' for '{command.Name}'");
            if (known.IsFlag)
            {
                options[known.Name] = "true";
                continue;
            }
            var value = inline ?? (i + 1 < words.Length ? words[++i] : null);
            if (string.IsNullOrEmpty(value)) return ([], options.ToImmutable(), $"option '{word}' needs a value ({known.Value})");
            options[known.Name] = value;
        }
        return ([.. args], options.ToImmutable(), null);
    }

    /// <summary>One usage line listing every command of <paramref name="palette"/>.</summary>
    public static string PaletteUsage(OpsPalette palette) =>
        "usage: pbm [HOST:PORT] " + string.Join(" | ", palette.Commands.Select(c => c.Syntax));
}
