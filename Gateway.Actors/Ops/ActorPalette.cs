namespace Gateway.Actors.Ops;

/// <summary>The <c>actor</c> palette: the actors running on this node.</summary>
public static class ActorPalette
{
    /// <summary>The palette.</summary>
    public static OpsPalette Palette { get; } = new("actor", "actors of this node",
    [
        new OpsCommand
        {
            Name = "actor hierarchy", Summary = "the actors under /user as a tree (walked within gateway.ops.hierarchy-timeout)",
            Actor = (inv, ctx, output) => HierarchyWalker.Props(output, ctx.Settings.HierarchyTimeout, inv.Json),
        },
    ]);
}
