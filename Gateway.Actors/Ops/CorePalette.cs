using System.Reflection;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Cluster;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>The <c>help</c> and <c>version</c> commands.</summary>
internal static class CorePalette
{
    /// <summary>The palette.</summary>
    public static OpsPalette Palette { get; } = new("help", "help and version",
    [
        new OpsCommand
        {
            Name = "help", Arguments = "[palette]", MaxArgs = 1, Summary = "list the commands (of one palette)",
            Run = (inv, ctx) => Help(ctx.Catalog, inv.Arg(0)).AsTask(),
        },
        new OpsCommand
        {
            Name = "version", Summary = "versions of the gateway, Akka.NET and .NET on this node",
            Run = (_, ctx) => Version(Cluster.Get(ctx.System).SelfAddress.ToString()).AsTask(),
        },
    ]);

    /// <summary>The command table of every palette, or of <paramref name="palette"/>; a usage error for an unknown palette.</summary>
    public static OpsResult Help(OpsCatalog catalog, string? palette)
    {
        var commands = catalog.Palettes.SelectMany(p => p.Commands).ToArray();
        if (palette is not null)
        {
            // A palette is the first word of its commands, so 'help version' works as well as 'help cluster'.
            var first = commands.Select(c => c.Words[0]).Distinct().ToArray();
            commands = commands.Where(c => c.Words[0].Equals(palette, StringComparison.OrdinalIgnoreCase)).ToArray();
            if (commands.Length == 0)
                return OpsResult.UsageError($"unknown palette '{palette}'; palettes: {string.Join(", ", first)}", "usage: pbm [HOST:PORT] help [palette]");
        }
        var rows = commands.Select(c => new[]
        {
            c.Syntax,
            c.Streaming ? c.Summary + " (streams until Ctrl+C)" : c.Summary,
        });
        return OpsResult.Ok(OpsFrame.Table("commands", ["command", "summary"], rows));
    }

    /// <summary>The version table for a node at <paramref name="selfAddress"/>.</summary>
    public static OpsResult Version(string selfAddress) => OpsResult.Ok(OpsFrame.Table("version", ["component", "version"],
    [
        ["gateway", InformationalVersion(typeof(CorePalette).Assembly)],
        ["akka.net", InformationalVersion(typeof(ActorSystem).Assembly)],
        ["runtime", RuntimeInformation.FrameworkDescription],
        ["node", selfAddress],
    ]));

    private static string InformationalVersion(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString()
        ?? "unknown";
}
