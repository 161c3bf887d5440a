using System.Globalization;
using Gateway.Actors.RateLimiting;
using Gateway.Actors.Routing;
using Gateway.Protocol.Ops;
using Gateway.Protocol.Routing;

namespace Gateway.Actors.Ops;

/// <summary>
/// <c>gateway ratelimits [route]</c>: each route's rate-limit policy and what this node's limiter is doing with it;
/// for a cluster-scope limit, this node's share and the demand it last heard from the cluster. Pure over the route table.
/// </summary>
public static class RateLimitCommands
{
    /// <summary>Most keys listed for one route; the rest are counted.</summary>
    public const int MaxKeysShown = 50;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary><c>gateway ratelimits [route]</c>.</summary>
    public static OpsCommand Command { get; } = new()
    {
        Name = "gateway ratelimits",
        Arguments = "[route]",
        MaxArgs = 1,
        Summary = "rate limits per route: policy, keys, admitted/refused, and for cluster scope this node's share and the demand (one route: its keys)",
        Run = (inv, ctx) => RateLimits(ctx.Routes.Current, inv.Arg(0)).AsTask(),
    };

    /// <summary>A row per route with a rate limit, or that row and the keys of the route <paramref name="routeId"/>.</summary>
    public static OpsResult RateLimits(RouteTable<CompiledRoute> table, string? routeId)
    {
        var limiters = table.Entries.Select(e => e.Value.RateLimiter).OfType<IRouteRateLimiter>()
            .Where(l => routeId is null || l.RouteId == routeId)
            .OrderBy(l => l.RouteId, StringComparer.Ordinal).ToArray();
        if (routeId is not null && limiters.Length == 0)
        {
            return table.Entries.Any(e => e.Id == routeId)
                ? OpsResult.Failed($"route '{routeId}' has no rate limit")
                : OpsResult.Failed($"no route '{routeId}' in this node's route table (see 'gateway routes')");
        }

        var summary = OpsFrame.Table("ratelimits",
            ["route", "scope", "algorithm", "limit", "key", "keys", "admitted", "rejected", "share", "node-demand", "cluster-demand"],
            limiters.Select(Row)).Typed("sssssnnnsss");
        if (routeId is null) return OpsResult.Ok(summary);
        return OpsResult.Ok([summary, .. Keys(limiters[0])]);
    }

    private static string[] Row(IRouteRateLimiter limiter)
    {
        var d = limiter.Definition;
        string[] common = [limiter.RouteId, d.Scope, d.Algorithm, Limit(d), d.Key, N(limiter.KeyCount), N(limiter.Counters.Admitted), N(limiter.Counters.Rejected)];
        if (limiter is not ClusterRateLimiter cluster) return [.. common, "-", "-", "-"];

        var buckets = cluster.Buckets.Select(b => b.Value).ToArray();
        if (buckets.Length == 0) return [.. common, "-", "0/s", "0/s"];
        var share = buckets.Sum(b => b.PerSecond);
        var percent = share / (cluster.LimitPerSecond * buckets.Length);
        return
        [
            .. common,
            $"{Rate(share)} ({percent.ToString("0%", Invariant)})",
            Rate(buckets.Sum(b => b.DemandRate)),
            Rate(buckets.Sum(b => b.DemandRate + b.OthersDemand)),
        ];
    }

    private static OpsFrame[] Keys(IRouteRateLimiter limiter)
    {
        string[][] rows;
        int total;
        OpsFrame table;
        if (limiter is ClusterRateLimiter cluster)
        {
            var buckets = cluster.Buckets.OrderByDescending(b => b.Value.DemandRate + b.Value.OthersDemand).ToArray();
            total = buckets.Length;
            rows = [.. buckets.Take(MaxKeysShown).Select(b => new[]
            {
                ShowKey(limiter.Definition, b.Key), ((long)b.Value.Tokens).ToString(Invariant), Rate(b.Value.PerSecond),
                Rate(b.Value.DemandRate), Rate(b.Value.OthersDemand),
            })];
            table = OpsFrame.Table("keys", ["key", "tokens", "share", "node-demand", "other-nodes-demand"], rows);
        }
        else if (limiter is RouteRateLimiter node)
        {
            var keys = node.KeyStates().OrderByDescending(k => (k.Statistics?.TotalFailedLeases ?? 0) + (k.Statistics?.TotalSuccessfulLeases ?? 0)).ToArray();
            total = keys.Length;
            rows = [.. keys.Take(MaxKeysShown).Select(k => new[]
            {
                ShowKey(limiter.Definition, k.Key), N(k.Statistics?.CurrentAvailablePermits ?? 0), N(k.Statistics?.TotalSuccessfulLeases ?? 0),
                N(k.Statistics?.TotalFailedLeases ?? 0),
            })];
            table = OpsFrame.Table("keys", ["key", "available", "admitted", "rejected"], rows);
        }
        else
        {
            return [];
        }
        return total > rows.Length ? [table, OpsFrame.Line($"... and {total - rows.Length} more keys")] : [table];
    }

    /// <summary>
    /// A key as an operator may see it: client addresses as they are, header values (often API keys, secrets) cut to their
    /// first four characters, the route-wide key as <c>(route)</c>.
    /// </summary>
    public static string ShowKey(RateLimitDefinition definition, string key)
    {
        if (definition.Key == "route") return "(route)";
        if (!definition.Key.StartsWith("header:", StringComparison.Ordinal)) return key;
        if (key.Length == 0) return "(no header)";
        return key.Length <= 8 ? "****" : key[..4] + "…";
    }

    private static string Limit(RateLimitDefinition d)
    {
        var period = $"{d.Period.TotalSeconds.ToString("0.###", Invariant)}s";
        var burst = d.Algorithm == "token-bucket" && d.Burst is { } b ? $" burst {N(b)}" : "";
        return $"{N(d.Limit)}/{period}{burst}";
    }

    private static string Rate(double perSecond) => $"{perSecond.ToString("0.##", Invariant)}/s";

    private static string N(long n) => n.ToString(Invariant);
}
