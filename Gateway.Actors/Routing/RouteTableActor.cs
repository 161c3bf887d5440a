using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Gateway.Actors.RateLimiting;
using Gateway.Actors.Upstreams;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;

namespace Gateway.Actors.Routing;

/// <summary>
/// <c>/user/route-table</c>: takes the node's definitions, has the upstreams actor bring its upstreams in line, then
/// compiles the routes into an immutable table and swaps it into the <see cref="RouteTableHolder"/>.
/// </summary>
internal sealed class RouteTableActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RouteTableHolder _holder;
    private readonly IActorRef _upstreams;
    private readonly ClientAddressResolver _clients;
    private readonly ClusterRateLimitRegistry _clusterLimits;
    private readonly Security.NodeSecurity? _security;
    private readonly Forwarding.ForwardingServices? _forwarding;
    private readonly Caching.ResponseCache? _cache;
    private Dictionary<string, IRouteRateLimiter> _limiters = new(StringComparer.Ordinal);
    private GatewayDefinitions _pending = GatewayDefinitions.Empty;
    private long _generation;
    private readonly List<IActorRef> _waiting = [];

    /// <summary>Props for the route-table actor publishing to <paramref name="holder"/>.</summary>
    internal static Props Props(RouteTableHolder holder, IActorRef upstreams, ClientAddressResolver clients, ClusterRateLimitRegistry clusterLimits,
        Security.NodeSecurity? security = null, Forwarding.ForwardingServices? forwarding = null, Caching.ResponseCache? cache = null) =>
        Akka.Actor.Props.Create(() => new RouteTableActor(holder, upstreams, clients, clusterLimits, security, forwarding, cache));

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public RouteTableActor(RouteTableHolder holder, IActorRef upstreams, ClientAddressResolver clients, ClusterRateLimitRegistry clusterLimits,
        Security.NodeSecurity? security = null, Forwarding.ForwardingServices? forwarding = null, Caching.ResponseCache? cache = null)
    {
        _forwarding = forwarding;
        _cache = cache;
        _security = security;
        _clients = clients;
        _clusterLimits = clusterLimits;
        _holder = holder;
        _upstreams = upstreams;
        Receive<ApplyDefinitions>(msg =>
        {
            _pending = msg.Definitions;
            _generation++;
            if (msg.AckTo is { } ackTo) _waiting.Add(ackTo);
            _upstreams.Tell(new ApplyUpstreams(msg.Definitions.Upstreams, _generation));
        });
        Receive<UpstreamsApplied>(msg =>
        {
            // A newer ApplyDefinitions is already on its way through the upstreams actor.
            if (msg.Generation != _generation) return;
            Publish(msg.Runtimes);
        });
    }

    private void RemoveSeriesOfGoneRoutes()
    {
        // Metric series labelled by a route go with the route (or with the upstream it no longer uses).
        var now = _pending.Routes.ToDictionary(r => r.Id, r => r.Upstream, StringComparer.Ordinal);
        foreach (var (id, upstream) in _routeUpstreams)
        {
            if (!now.TryGetValue(id, out var current)) Forwarding.GatewayMetrics.RemoveRoute(id);
            else if (current != upstream) Forwarding.GatewayMetrics.RemoveRouteUpstreamsOtherThan(id, current);
        }
        _routeUpstreams = now;
    }

    private Dictionary<string, string> _routeUpstreams = new(StringComparer.Ordinal);

    private void Publish(ImmutableDictionary<string, UpstreamRuntime> runtimes)
    {
        // A route whose rate limit did not change keeps its limiter, and so the budgets its keys have used.
        var limiters = new Dictionary<string, IRouteRateLimiter>(StringComparer.Ordinal);
        foreach (var route in _pending.Routes)
        {
            if (route.RateLimit is not { } limit) continue;
            limiters[route.Id] = _limiters.Remove(route.Id, out var kept) && kept.Definition == limit ? kept : NewLimiter(route.Id, limit);
        }
        var retired = _limiters.Values.ToList();
        _limiters = limiters;
        _clusterLimits.Publish(limiters.Values.OfType<ClusterRateLimiter>().ToList());
        var (table, skipped) = Compile(_pending, runtimes, limiters, _security, _forwarding, _cache);
        _holder.Publish(table, runtimes.Values.ToArray());
        foreach (var reason in skipped) _log.Warning("Route skipped: {Reason}", reason);
        // Every node publishes a table per replicated change: Debug. The node applying a change set logs it once at Information.
        _log.Debug("Route table {Generation} published with {RouteCount} routes onto {UpstreamCount} upstreams",
            _generation, table.Count, runtimes.Count);
        RouteTableMetrics.Published(_generation, table.Count, skipped.Length);
        Context.System.EventStream.Publish(new RouteTablePublished(_generation, table.Count, skipped));
        RemoveSeriesOfGoneRoutes();
        foreach (var ackTo in _waiting) ackTo.Tell(new DefinitionsApplied(_generation));
        _waiting.Clear();
        // Requests still holding the old table may touch an old limiter for a moment; let them, then free it.
        if (retired.Count > 0) _ = Task.Delay(TimeSpan.FromSeconds(30)).ContinueWith(_ => retired.ForEach(l => l.Dispose()), TaskScheduler.Default);
    }

    private IRouteRateLimiter NewLimiter(string routeId, Protocol.Routing.RateLimitDefinition limit) => limit.Scope == "cluster"
        ? new ClusterRateLimiter(routeId, limit, _clients, _clusterLimits.Members)
        : new RouteRateLimiter(routeId, limit, _clients);

    /// <summary>Compiles the routes of <paramref name="definitions"/> whose upstream has a runtime; returns why others were skipped.</summary>
    internal static (RouteTable<CompiledRoute> Table, ImmutableArray<string> Skipped) Compile(
        GatewayDefinitions definitions, IReadOnlyDictionary<string, UpstreamRuntime> runtimes, IReadOnlyDictionary<string, IRouteRateLimiter> limiters,
        Security.NodeSecurity? security = null, Forwarding.ForwardingServices? forwarding = null, Caching.ResponseCache? cache = null)
    {
        var entries = new List<RouteTableEntry<CompiledRoute>>(definitions.Routes.Length);
        var skipped = ImmutableArray.CreateBuilder<string>();
        foreach (var route in definitions.Routes)
        {
            if (!PathTemplate.TryParse(route.Path, out var template, out var error))
            {
                skipped.Add($"route '{route.Id}': {error}");
                continue;
            }
            if (route.UpstreamNames().FirstOrDefault(name => !runtimes.ContainsKey(name)) is { } missing)
            {
                skipped.Add($"route '{route.Id}': upstream '{missing}' does not exist");
                continue;
            }
            if (!runtimes.TryGetValue(route.UpstreamNames().FirstOrDefault() ?? "", out var runtime))
            {
                skipped.Add($"route '{route.Id}': names no upstream");
                continue;
            }
            CompiledRoute compiled;
            try
            {
                compiled = new CompiledRoute(route, template!, runtime, limiters.GetValueOrDefault(route.Id), security?.Compile(route), forwarding, cache,
                    Traffic.TrafficCompiler.Plan(route, runtimes, security?.Clients));
            }
            catch (IOException e)
            {
                // A fallback body-file this node cannot read: the route is left out here, and says why.
                skipped.Add($"route '{route.Id}': {e.Message}");
                continue;
            }
            entries.Add(new RouteTableEntry<CompiledRoute>(route.Id, route.Hosts, route.Methods, template!, route.Order, compiled)
            {
                Conditions = RouteConditions.Compile(route.Match),
            });
        }
        return (RouteTable<CompiledRoute>.Compile(entries), skipped.ToImmutable());
    }
}
