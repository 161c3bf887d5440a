using System.Collections.Immutable;

namespace Gateway.Protocol.Ops;

/// <summary>Tab completion of pbm's interactive shell against the command names a node's palettes offer.</summary>
public static class OpsCompletion
{
    /// <summary>
    /// Tab completion of <paramref name="line"/> against the node's command names: the next word when one command fits
    /// (with a space after a whole word), the longest common prefix when several do; the candidates' next words for display.
    /// </summary>
    public static (string Line, ImmutableArray<string> Candidates) Complete(string line, IReadOnlyList<string> commands)
    {
        var typed = line.TrimStart();
        var done = typed.Length == 0 || typed.EndsWith(' ') ? typed.Split(' ', StringSplitOptions.RemoveEmptyEntries) : typed.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1];
        var partial = typed.Length == 0 || typed.EndsWith(' ') ? "" : typed.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
        var next = commands.Select(c => c.Split(' '))
            .Where(w => w.Length > done.Length && done.Select((d, i) => d.Equals(w[i], StringComparison.OrdinalIgnoreCase)).All(x => x))
            .Select(w => w[done.Length])
            .Where(w => w.StartsWith(partial, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        if (next.IsEmpty) return (line, []);
        var prefix = done.Length == 0 ? "" : string.Join(' ', done) + " ";
        if (next.Length == 1) return (prefix + next[0] + " ", next);
        var common = next.Aggregate((a, b) => new string(a.Zip(b).TakeWhile(p => p.First == p.Second).Select(p => p.First).ToArray()));
        return (common.Length > partial.Length ? prefix + common : line, next);
    }
}
