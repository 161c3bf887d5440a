using System.Globalization;
using Akka.Actor;
using Akka.DistributedData;
using Akka.Hosting;
using Gateway.Actors.ConfigStore;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Ops;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.Ops;

/// <summary>
/// <c>gateway routes apply FILE</c> and <c>gateway routes delete ID</c>: changes to the cluster's routes and upstreams,
/// sent to their sharded owners as the admin API sends them (an <c>Ask</c> per definition: this is the ops edge).
/// </summary>
internal static class ConfigCommands
{
    /// <summary><c>gateway routes apply &lt;file&gt;</c>.</summary>
    public static OpsCommand Apply { get; } = new()
    {
        Name = "gateway routes apply",
        Arguments = "<file>",
        MinArgs = 1,
        MaxArgs = 1,
        Summary = "validate a HOCON or JSON file of upstreams and routes (read by pbm) and upsert them in the cluster; invalid: nothing changes",
        Run = (inv, ctx) => ApplyAsync(ctx.System, inv.Args[0], inv.Input, ctx.Settings.AskTimeout, inv.Cancelled),
    };

    /// <summary><c>gateway routes delete &lt;id&gt;</c>.</summary>
    public static OpsCommand Delete { get; } = new()
    {
        Name = "gateway routes delete",
        Arguments = "<id>",
        MinArgs = 1,
        MaxArgs = 1,
        Summary = "delete a route from the cluster",
        Run = (inv, ctx) => DeleteAsync(ctx.System, inv.Args[0], ctx.Settings.AskTimeout, inv.Cancelled),
    };

    /// <summary>
    /// Validates the document <paramref name="input"/> (named <paramref name="file"/>) against the cluster's upstreams and,
    /// when it has no error, upserts its upstreams and then its routes; an invalid document changes nothing.
    /// </summary>
    public static async Task<OpsResult> ApplyAsync(ActorSystem system, string file, string? input, TimeSpan timeout, CancellationToken cancelled)
    {
        if (input is null)
            return OpsResult.UsageError($"no content for '{file}': pbm reads the file and sends it with the request", Apply.Usage);
        if (!ActorRegistry.For(system).TryGet<ConfigEntitiesKey>(out var region))
            return OpsResult.Failed("the config store is not running on this node");

        var document = DefinitionDocument.Parse(file, input);
        var (upstreams, routes) = await ReadReplicaAsync(system, timeout, cancelled).ConfigureAwait(false);
        var errors = document.Validate(upstreams.Keys);
        if (errors.Count > 0)
        {
            var frames = errors.Select(e => OpsFrame.Error(e.Field.Length == 0 ? e.Message : $"{e.Field}: {e.Message}", OpsExitCodes.Failed))
                .Append(OpsFrame.Error($"{file}: {errors.Count} error(s); nothing was applied", OpsExitCodes.Failed));
            return new OpsResult([.. frames], OpsExitCodes.Failed);
        }

        var rows = new List<string[]>();
        var failed = 0;
        // Upstreams first: a route's owner checks that its upstream exists.
        var commands = document.Definitions.Upstreams.Select(u => ("upstream", u.Name, (IWithEntityKey)new UpsertUpstream(u with { Version = 0 }), upstreams.GetValueOrDefault(u.Name)))
            .Concat(document.Definitions.Routes.Select(r => ("route", r.Id, (IWithEntityKey)new UpsertRoute(r with { Version = 0 }), routes.GetValueOrDefault(r.Id))));
        foreach (var (kind, key, command, previous) in commands)
        {
            var reply = await AskAsync(region, command, timeout, cancelled).ConfigureAwait(false);
            var (result, version) = Describe(reply, previous, timeout);
            if (version is null) failed++;
            rows.Add([kind, key, result, version?.ToString(CultureInfo.InvariantCulture) ?? "-"]);
        }

        var table = OpsFrame.Table("applied", ["kind", "name", "result", "version"], rows).Typed("sssn");
        if (failed > 0)
            return new OpsResult([table, OpsFrame.Error($"{file}: {failed} of {rows.Count} definition(s) refused; the others were applied", OpsExitCodes.Failed)],
                OpsExitCodes.Failed);
        return OpsResult.Ok(table, OpsFrame.Line($"{file}: {rows.Count} definition(s) applied"));
    }

    /// <summary>Deletes the route <paramref name="id"/> through its owner.</summary>
    public static async Task<OpsResult> DeleteAsync(ActorSystem system, string id, TimeSpan timeout, CancellationToken cancelled)
    {
        if (!ActorRegistry.For(system).TryGet<ConfigEntitiesKey>(out var region))
            return OpsResult.Failed("the config store is not running on this node");
        return await AskAsync(region, new DeleteRoute(id), timeout, cancelled).ConfigureAwait(false) switch
        {
            DefinitionDeleted deleted => OpsResult.Line($"route '{id}' deleted (version {deleted.Version.ToString(CultureInfo.InvariantCulture)})"),
            DefinitionNotFound => OpsResult.Failed($"no route '{id}' in the cluster (see 'gateway routes')"),
            null => OpsResult.Failed($"the owner of route '{id}' did not answer within {timeout}; read it back before retrying"),
            var other => OpsResult.Failed($"route '{id}' was not deleted: {other}"),
        };
    }

    private static (string Result, long? Version) Describe(ICommandReply? reply, long? previous, TimeSpan timeout) => reply switch
    {
        RouteAccepted { Created: true } r => ("created", r.Route.Version),
        UpstreamAccepted { Created: true } u => ("created", u.Upstream.Version),
        RouteAccepted r => (r.Route.Version == previous ? "unchanged" : "updated", r.Route.Version),
        UpstreamAccepted u => (u.Upstream.Version == previous ? "unchanged" : "updated", u.Upstream.Version),
        ValidationRejected rejected => ("refused: " + string.Join("; ", rejected.Errors), null),
        null => ($"no answer within {timeout}", null),
        var other => ("refused: " + other, null),
    };

    private static async Task<ICommandReply?> AskAsync(IActorRef region, IWithEntityKey command, TimeSpan timeout, CancellationToken cancelled)
    {
        try
        {
            return await region.Ask<ICommandReply>(command, timeout, cancelled).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    // This node's replica: the upstreams a route in the file may use, and the versions before the change.
    private static async Task<(Dictionary<string, long> Upstreams, Dictionary<string, long> Routes)> ReadReplicaAsync(
        ActorSystem system, TimeSpan timeout, CancellationToken cancelled)
    {
        var replicator = DistributedData.Get(system).Replicator;
        async Task<LWWDictionary<string, string>?> Read(LWWDictionaryKey<string, string> key)
        {
            var response = await replicator.Ask<IGetResponse>(Dsl.Get(key, ReadLocal.Instance), timeout, cancelled).ConfigureAwait(false);
            return response.IsSuccessful ? response.Get(key) : null;
        }
        var upstreams = ReplicatedDefinitions.Upstreams(await Read(ReplicatedDefinitions.UpstreamsKey).ConfigureAwait(false));
        var routes = ReplicatedDefinitions.Routes(await Read(ReplicatedDefinitions.RoutesKey).ConfigureAwait(false));
        return (upstreams.ToDictionary(u => u.Name, u => u.Version, StringComparer.Ordinal),
            routes.ToDictionary(r => r.Id, r => r.Version, StringComparer.Ordinal));
    }
}
