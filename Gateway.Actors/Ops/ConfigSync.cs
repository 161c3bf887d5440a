using System.Collections.Immutable;
using System.Globalization;
using Akka.Actor;
using Akka.DistributedData;
using Gateway.Actors.ConfigStore;
using Gateway.Protocol.Cluster;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;

namespace Gateway.Actors.Ops;

/// <summary>
/// Declarative config at the ops and admin edge: the cluster's definitions read from this node's replica, the
/// difference to a file (<see cref="DefinitionDiff"/>), and a sync that sends that difference to the owners with the
/// version the diff saw, so a definition changed in between stops the sync instead of being overwritten.
/// </summary>
public static class ConfigSync
{
    /// <summary>The upstreams and routes of the cluster as this node's replica holds them, with their versions.</summary>
    public static async Task<GatewayDefinitions> ReadClusterAsync(ActorSystem system, TimeSpan timeout, CancellationToken cancelled)
    {
        var replicator = DistributedData.Get(system).Replicator;
        async Task<LWWDictionary<string, string>?> Read(LWWDictionaryKey<string, string> key)
        {
            var response = await replicator.Ask<IGetResponse>(Dsl.Get(key, ReadLocal.Instance), timeout, cancelled).ConfigureAwait(false);
            return response.IsSuccessful ? response.Get(key) : null;
        }
        return ReplicatedDefinitions.ToDefinitions(
            await Read(ReplicatedDefinitions.UpstreamsKey).ConfigureAwait(false),
            await Read(ReplicatedDefinitions.RoutesKey).ConfigureAwait(false));
    }

    /// <summary>
    /// Reads the file <paramref name="name"/> (<paramref name="text"/>), validates it and compares it with
    /// <paramref name="current"/>. With <paramref name="prune"/> the file must declare every upstream its routes use; without,
    /// routes may use the cluster's upstreams.
    /// </summary>
    public static ConfigSyncReport Diff(GatewayDefinitions current, string name, string text, bool prune)
    {
        var document = DefinitionDocument.Parse(name, text);
        var errors = document.Validate(prune ? [] : current.Upstreams.Select(u => u.Name));
        if (errors.Count > 0) return new ConfigSyncReport { Errors = [.. errors] };
        var changes = DefinitionDiff.Compare(current, document.Definitions);
        return new ConfigSyncReport { Changes = changes, Plan = DefinitionDiff.Plan(changes, prune) };
    }

    /// <summary>
    /// Sends each change of <paramref name="report"/>'s plan to its owner through <paramref name="region"/>, in order, each
    /// expecting the version the diff saw; stops at the first that is refused or conflicts and reports it.
    /// </summary>
    public static async Task<ConfigSyncReport> ApplyAsync(IActorRef region, ConfigSyncReport report, TimeSpan timeout, CancellationToken cancelled)
    {
        var steps = ImmutableArray.CreateBuilder<ConfigSyncStep>();
        foreach (var change in report.Plan)
        {
            var reply = await AskAsync(region, Command(change), timeout, cancelled).ConfigureAwait(false);
            var step = Describe(change, reply, timeout);
            steps.Add(step);
            if (step.Version is not null) continue;
            var conflict = reply is VersionConflict or DefinitionNotFound;
            var why = conflict
                ? $"{change.Kind} '{change.Key}' changed since the diff (the cluster has version {((reply as VersionConflict)?.CurrentVersion ?? 0).ToString(CultureInfo.InvariantCulture)}, the diff saw {change.CurrentVersion.ToString(CultureInfo.InvariantCulture)}); stopped, run the diff again"
                : $"{change.Kind} '{change.Key}' was not applied: {step.Result}; stopped";
            return report with { Steps = steps.ToImmutable(), Stopped = why, Conflict = conflict };
        }
        return report with { Steps = steps.ToImmutable() };
    }

    private static IWithEntityKey Command(DefinitionChange change) => (change.Kind, change.Action) switch
    {
        ("upstream", DefinitionChangeAction.Delete) => new DeleteUpstream(change.Key, change.CurrentVersion),
        ("route", DefinitionChangeAction.Delete) => new DeleteRoute(change.Key, change.CurrentVersion),
        ("upstream", _) => new UpsertUpstream((UpstreamDefinition)change.Desired! with { Version = 0 }, change.CurrentVersion),
        _ => new UpsertRoute((RouteDefinition)change.Desired! with { Version = 0 }, change.CurrentVersion),
    };

    private static ConfigSyncStep Describe(DefinitionChange change, ICommandReply? reply, TimeSpan timeout) => reply switch
    {
        RouteAccepted r => new(change, r.Created ? "created" : "updated", r.Route.Version),
        UpstreamAccepted u => new(change, u.Created ? "created" : "updated", u.Upstream.Version),
        DefinitionDeleted d => new(change, "deleted", d.Version),
        VersionConflict c => new(change, $"conflict: now at version {c.CurrentVersion.ToString(CultureInfo.InvariantCulture)}", null),
        DefinitionNotFound => new(change, "conflict: already deleted", null),
        ValidationRejected rejected => new(change, "refused: " + string.Join("; ", rejected.Errors), null),
        UpstreamInUse inUse => new(change, $"refused: used by route(s) {string.Join(", ", inUse.RouteIds)}", null),
        null => new(change, $"no answer within {timeout}; read it back before retrying", null),
        var other => new(change, "refused: " + other.GetType().Name, null),
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
}
