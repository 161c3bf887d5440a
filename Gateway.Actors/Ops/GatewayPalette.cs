using System.Globalization;
using Gateway.Actors.Forwarding;
using Gateway.Actors.Routing;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>
/// The <c>gateway</c> palette: this node's compiled routes, its upstreams with live counters, rate limits, and request
/// stats over the last minute, pure over the snapshots it is given; and route changes through the cluster's owners.
/// </summary>
public static class GatewayPalette
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The palette.</summary>
    public static OpsPalette Palette { get; } = new("gateway", "routes, upstreams and traffic of this node",
    [
        new OpsCommand
        {
            Name = "gateway routes", Arguments = "[id]", MaxArgs = 1, Summary = "routes in this node's compiled table (one route in detail)",
            Run = (inv, ctx) => Routes(ctx.Routes.Current, inv.Arg(0)).AsTask(),
        },
        ConfigCommands.Apply,
        ConfigCommands.Delete,
        DeclarativeConfigCommands.Dump,
        DeclarativeConfigCommands.Diff,
        DeclarativeConfigCommands.Sync,
        new OpsCommand
        {
            Name = "gateway upstreams", Arguments = "[name]", MaxArgs = 1, Summary = "upstreams and endpoints: weights, in flight, breakers, queue depth, balancing",
            Run = (inv, ctx) => Upstreams(ctx.Routes.Upstreams, inv.Arg(0)).AsTask(),
        },
        new OpsCommand
        {
            Name = "gateway breakers", Summary = "circuit breaker and health of every endpoint as this node sees them",
            Run = (_, ctx) => Breakers(ctx.Routes.Upstreams).AsTask(),
        },
        new OpsCommand
        {
            Name = "gateway stats", Summary = "requests/s, errors, p50 and p99 over the last 10 s and minute",
            Run = (_, ctx) => Stats([ctx.Stats.Snapshot(10), ctx.Stats.Snapshot(RequestStats.WindowSeconds)], ctx.Routes.Upstreams).AsTask(),
        },
        RateLimitCommands.Command,
        DrainCommand.Command,
    ]);

    /// <summary>One row per route of <paramref name="table"/>, or the fields of the route <paramref name="id"/>.</summary>
    public static OpsResult Routes(RouteTable<CompiledRoute> table, string? id)
    {
        if (id is null)
        {
            var rows = table.Entries.OrderBy(e => e.Id, StringComparer.Ordinal).Select(e => new[]
            {
                e.Id, List(e.Hosts), List(e.Methods), e.Path.Text, e.Value.Definition.Backends.IsDefaultOrEmpty ? e.Value.Upstream.Name : string.Join(",", e.Value.Definition.Backends.Select(b => $"{b.Upstream}:{b.Weight}")), e.Value.Definition.Version.ToString(Invariant),
            });
            return OpsResult.Ok(OpsFrame.Table("routes", ["id", "hosts", "methods", "path", "upstream", "version"], rows).Typed("sssssn"));
        }

        var found = table.Entries.Where(e => e.Id == id).Select(e => e.Value).FirstOrDefault();
        if (found is null) return OpsResult.Failed($"no route '{id}' in this node's route table (see 'gateway routes')");
        var d = found.Definition;
        // Every field the route's definition carries (policies included), from its JSON: a field added to the model shows here too.
        var fields = new List<string[]>();
        foreach (var (name, value) in Gateway.Protocol.Configuration.DefinitionHocon.FileJson(d))
        {
            if (name != "timeout") fields.Add([Gateway.Protocol.Configuration.DefinitionHocon.FieldName(name), Cell(value)]);
        }
        // The timeout in force: the route's own, or its upstream's request timeout.
        fields.Add(["timeout", Duration(found.ForwarderConfig.ActivityTimeout)]);
        fields.Add(["version", d.Version.ToString(Invariant)]);
        if (found.Split is not { } split) return OpsResult.Ok(OpsFrame.Table("route", ["field", "value"], fields));
        // Configured weights beside the share this node actually sent each backend since the route was compiled.
        var sent = split.Sent;
        var totalSent = sent.Sum();
        var totalWeight = split.Backends.Sum(b => b.Weight);
        var backends = OpsFrame.Table("backends", ["upstream", "weight", "configured", "sent", "observed"],
            split.Backends.Select((b, i) => new[]
            {
                b.Upstream.Name, N(b.Weight), Percent(totalWeight == 0 ? 0 : (double)b.Weight / totalWeight), N((long)sent[i]),
                totalSent == 0 ? "-" : Percent(sent[i] / totalSent),
            }));
        return OpsResult.Ok(OpsFrame.Table("route", ["field", "value"], fields), backends);
    }

    /// <summary>The upstreams (or the one named <paramref name="name"/>) and their endpoints with live counters.</summary>
    public static OpsResult Upstreams(IReadOnlyCollection<UpstreamRuntime> upstreams, string? name)
    {
        var selected = upstreams.Where(u => name is null || u.Name == name).OrderBy(u => u.Name, StringComparer.Ordinal).ToArray();
        if (name is not null && selected.Length == 0) return OpsResult.Failed($"no upstream '{name}' on this node (see 'gateway upstreams')");

        var summary = OpsFrame.Table("upstreams",
            ["name", "load-balancing", "endpoints", "in-flight", "queued", "max-in-flight", "max-queued"],
            selected.Select(u => new[]
            {
                u.Name, Kebab(u.LoadBalancing.ToString()), N(u.Endpoints.Length), N(u.InFlight), N(u.Pipeline.QueueDepth),
                N(u.Pipeline.MaxInFlight), N(u.Pipeline.MaxQueued),
            })).Typed("ssnnnnn");
        var endpoints = OpsFrame.Table("endpoints", ["upstream", "url", "weight", "in-flight", "breaker", "healthy"],
            selected.SelectMany(u => u.Endpoints.Select(e => new[]
            {
                u.Name, e.DestinationPrefix, N(e.Weight), N(e.InFlight), Kebab(e.State.ToString()), e.IsHealthy ? "yes" : "no",
            }))).Typed("ssnnsb");
        return OpsResult.Ok(summary, endpoints);
    }

    /// <summary>A row per endpoint: breaker state, health, trips in a row, and whether a request may go there now.</summary>
    public static OpsResult Breakers(IReadOnlyCollection<UpstreamRuntime> upstreams) => OpsResult.Ok(
        OpsFrame.Table("breakers", ["upstream", "endpoint", "breaker", "healthy", "trips", "available"],
            upstreams.OrderBy(u => u.Name, StringComparer.Ordinal).SelectMany(u => u.Endpoints.Select(e => new[]
            {
                u.Name, e.DestinationPrefix, Kebab(e.State.ToString()), e.IsHealthy ? "yes" : "no", N(e.Trips), e.IsAvailable ? "yes" : "no",
            }))).Typed("sssbnb"));

    /// <summary>A row per window of <paramref name="windows"/> and the queue depth and in-flight count now.</summary>
    public static OpsResult Stats(IEnumerable<RequestStatsSnapshot> windows, IReadOnlyCollection<UpstreamRuntime> upstreams)
    {
        var rows = windows.Select(w => new[]
        {
            $"{w.Seconds}s", w.Requests.ToString(Invariant), w.RequestsPerSecond.ToString("0.##", Invariant), w.Errors.ToString(Invariant),
            Millis(w.P50), Millis(w.P99),
        });
        var now = OpsFrame.Line($"now: {upstreams.Sum(u => u.InFlight)} in flight, {upstreams.Sum(u => u.Pipeline.QueueDepth)} queued across {upstreams.Count} upstreams");
        return OpsResult.Ok(OpsFrame.Table("stats", ["window", "requests", "req/s", "errors", "p50 ms", "p99 ms"], rows).Typed("snnnnn"), now);
    }

    // Strings as they are, lists of strings joined by commas, a policy as "field value, field value", deeper shapes as JSON.
    private static string Cell(System.Text.Json.Nodes.JsonNode? value) => value switch
    {
        null => "-",
        System.Text.Json.Nodes.JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
        System.Text.Json.Nodes.JsonValue v => v.ToJsonString(),
        System.Text.Json.Nodes.JsonArray a when a.All(i => i is System.Text.Json.Nodes.JsonValue) => string.Join(",", a.Select(Cell)),
        System.Text.Json.Nodes.JsonObject o when o.All(p => p.Value is System.Text.Json.Nodes.JsonValue or System.Text.Json.Nodes.JsonArray) =>
            string.Join(", ", o.Select(p => $"{Gateway.Protocol.Configuration.DefinitionHocon.FieldName(p.Key)} {Cell(p.Value)}")),
        _ => value.ToJsonString(),
    };

    private static string List(IEnumerable<string> values)
    {
        var text = string.Join(",", values);
        return text.Length == 0 ? "*" : text;
    }

    private static string N(long n) => n.ToString(Invariant);

    private static string Percent(double share) => (share * 100).ToString("0.0", Invariant) + "%";

    private static string Millis(TimeSpan? value) => value is null ? "-" : value.Value.TotalMilliseconds.ToString("0.###", Invariant);

    private static string Duration(TimeSpan? value) => value is null ? "-" : $"{value.Value.TotalSeconds.ToString("0.###", Invariant)}s";

    // RoundRobin -> round-robin, PowerOfTwoChoices -> power-of-two-choices: as users write it in HOCON.
    private static string Kebab(string pascal) => Gateway.Protocol.Configuration.DefinitionReader.ToKebab(pascal);
}
