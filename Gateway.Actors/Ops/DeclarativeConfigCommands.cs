using System.Globalization;
using Akka.Hosting;
using Gateway.Actors.ConfigStore;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>
/// <c>gateway config dump|diff|sync</c>, like decK's <c>gateway dump|diff|sync</c>: the cluster's upstreams and routes in
/// the <c>--config</c> file format, the difference to a file, and applying that difference through the owners.
/// </summary>
internal static class DeclarativeConfigCommands
{
    /// <summary><c>gateway config dump</c>.</summary>
    public static OpsCommand Dump { get; } = new()
    {
        Name = "gateway config dump",
        Summary = "every upstream and route of the cluster in the --config file format, sorted (HOCON; JSON with --json)",
        Run = (inv, ctx) => DumpAsync(inv, ctx),
    };

    /// <summary><c>gateway config diff &lt;file&gt; [--exit-code]</c>.</summary>
    public static OpsCommand Diff { get; } = new()
    {
        Name = "gateway config diff",
        Arguments = "<file>",
        MinArgs = 1,
        MaxArgs = 1,
        Switches = [new OpsSwitch("exit-code")],
        Summary = "what syncing the file (read by pbm) would change: '+ route ID', '~ route ID: fields', '- route ID'; nothing when equal; --exit-code exits 4 on a difference",
        Run = (inv, ctx) => DiffAsync(inv, ctx),
    };

    /// <summary><c>gateway config sync &lt;file&gt; [--prune] [--dry-run]</c>.</summary>
    public static OpsCommand Sync { get; } = new()
    {
        Name = "gateway config sync",
        Arguments = "<file>",
        MinArgs = 1,
        MaxArgs = 1,
        Switches = [new OpsSwitch("prune"), new OpsSwitch("dry-run")],
        Summary = "apply the file's difference through the owners (upstreams first; --prune also deletes what the file does not name, routes first; --dry-run only prints the plan); stops if a definition changed since the diff",
        Run = (inv, ctx) => SyncAsync(inv, ctx),
    };

    private static async Task<OpsResult> DumpAsync(OpsInvocation inv, OpsContext ctx)
    {
        var current = await ConfigSync.ReadClusterAsync(ctx.System, ctx.Settings.AskTimeout, inv.Cancelled).ConfigureAwait(false);
        var text = inv.Json
            ? DefinitionHocon.ToJsonDocument(current).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n"
            : DefinitionHocon.Write(current);
        return OpsResult.Ok(OpsFrame.Document(text));
    }

    private static async Task<OpsResult> DiffAsync(OpsInvocation inv, OpsContext ctx)
    {
        if (inv.Input is null) return NoInput(inv, Diff);
        var current = await ConfigSync.ReadClusterAsync(ctx.System, ctx.Settings.AskTimeout, inv.Cancelled).ConfigureAwait(false);
        var report = ConfigSync.Diff(current, inv.Args[0], inv.Input, prune: false);
        if (!report.Errors.IsEmpty) return Invalid(inv.Args[0], report, "nothing was compared");
        var exit = report.Changes.IsEmpty || !inv.Flag("exit-code") ? OpsExitCodes.Ok : OpsExitCodes.Different;
        return new OpsResult([.. Changes(report.Changes, inv.Json)], exit);
    }

    private static async Task<OpsResult> SyncAsync(OpsInvocation inv, OpsContext ctx)
    {
        if (inv.Input is null) return NoInput(inv, Sync);
        if (!ActorRegistry.For(ctx.System).TryGet<ConfigEntitiesKey>(out var region)) return OpsResult.Failed("the config store is not running on this node");
        var file = inv.Args[0];
        var prune = inv.Flag("prune");
        var current = await ConfigSync.ReadClusterAsync(ctx.System, ctx.Settings.AskTimeout, inv.Cancelled).ConfigureAwait(false);
        var report = ConfigSync.Diff(current, file, inv.Input, prune);
        if (!report.Errors.IsEmpty) return Invalid(file, report, "nothing was applied");
        if (inv.Flag("dry-run"))
        {
            var skipped = report.Changes.Length - report.Plan.Length;
            return OpsResult.Ok([.. Changes(report.Plan, inv.Json),
                OpsFrame.Line($"{file}: dry run, {report.Plan.Length} change(s) planned, nothing applied{(skipped > 0 ? $"; {skipped} delete(s) need --prune" : "")}")]);
        }

        report = await ConfigSync.ApplyAsync(region, report, ctx.Settings.AskTimeout, inv.Cancelled).ConfigureAwait(false);
        var table = OpsFrame.Table("synced", ["action", "kind", "name", "result", "version"], report.Steps.Select(s => new[]
        {
            s.Change.ActionName, s.Change.Kind, s.Change.Key, s.Result, s.Version?.ToString(CultureInfo.InvariantCulture) ?? "-",
        })).Typed("ssssn");
        if (report.Stopped is not null)
            return new OpsResult([table, OpsFrame.Error($"{file}: {report.Stopped}", OpsExitCodes.Failed)], OpsExitCodes.Failed);
        var pruneNote = report.Changes.Length > report.Plan.Length ? $"; {report.Changes.Length - report.Plan.Length} delete(s) skipped without --prune" : "";
        return OpsResult.Ok(table, OpsFrame.Line($"{file}: {report.Steps.Length} change(s) applied{pruneNote}"));
    }

    // People read one line per change; --json gets one table row per change.
    private static IEnumerable<OpsFrame> Changes(IReadOnlyCollection<DefinitionChange> changes, bool json) => json
        ? [OpsFrame.Table("changes", ["action", "kind", "name", "fields", "version"], changes.Select(c => new[]
        {
            c.ActionName, c.Kind, c.Key, string.Join(",", c.Fields), c.CurrentVersion.ToString(CultureInfo.InvariantCulture),
        })).Typed("ssssn")]
        : changes.Select(c => OpsFrame.Line(c.Line));

    private static OpsResult NoInput(OpsInvocation inv, OpsCommand command) =>
        OpsResult.UsageError($"no content for '{inv.Args[0]}': pbm reads the file and sends it with the request", command.Usage);

    private static OpsResult Invalid(string file, ConfigSyncReport report, string consequence) => new(
        [.. report.Errors.Select(e => OpsFrame.Error(e.Field.Length == 0 ? e.Message : $"{e.Field}: {e.Message}", OpsExitCodes.Failed)),
            OpsFrame.Error($"{file}: {report.Errors.Length} error(s); {consequence}", OpsExitCodes.Failed)],
        OpsExitCodes.Failed);
}
