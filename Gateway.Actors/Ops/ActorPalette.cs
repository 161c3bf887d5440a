namespace Gateway.Actors.Ops;

/// <summary>The <c>actor</c> palette: the actors running on this node.</summary>
internal static class ActorPalette
{
    /// <summary>The palette.</summary>
    public static OpsPalette Palette { get; } = new("actor", "actors of this node",
    [
        new OpsCommand
        {
            Name = "actor hierarchy",
            Switches = [new OpsSwitch("depth", "d", "DEPTH"), new OpsSwitch("system", "s", "PATH"), new OpsSwitch("address", "a", "PATH")],
            Summary = "the actors under /user as a tree; -d levels below the start (default and most " + HierarchyWalker.MaxDepth +
                "), -s PATH starts under /system (e.g. -s sharding: route owners, cache entities), -a PATH at any actor path",
            Actor = (inv, ctx, output) => HierarchyWalker.Props(output, ctx.Settings.HierarchyTimeout, inv.Json, Read(inv)),
        },
    ]);

    /// <summary>The walk's start and depth from <paramref name="inv"/>'s switches, or the usage error they make.</summary>
    public static (string Root, int Depth, string? Error) Read(OpsInvocation inv)
    {
        var depth = HierarchyWalker.MaxDepth;
        if (inv.Option("depth") is { } text)
        {
            if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out depth) || depth < 1 || depth > HierarchyWalker.MaxDepth)
                return ("", 0, $"-d must be a number from 1 to {HierarchyWalker.MaxDepth}, got '{text}'");
        }
        var root = "/user";
        if (inv.Option("system") is { } system)
            root = system.StartsWith("/system", StringComparison.Ordinal) ? system : "/system/" + system.TrimStart('/');
        if (inv.Option("address") is { } path) root = path.StartsWith('/') ? path : "/" + path;
        root = root.TrimEnd('/');
        if (root.Length == 0 || root.Contains('*') || root.Contains("//", StringComparison.Ordinal) || root.Split('/').Any(s => s is "." or ".."))
            return ("", 0, $"'{root}' is not an actor path like /user/upstreams or /system/sharding");
        return (root, depth, null);
    }
}
