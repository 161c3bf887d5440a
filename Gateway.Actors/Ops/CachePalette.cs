using System.Globalization;
using Akka.Actor;
using Gateway.Actors.Caching;
using Gateway.Protocol.Caching;
using Gateway.Protocol.Ops;

namespace Gateway.Actors.Ops;

/// <summary>
/// The <c>gateway cache</c> commands (their own palette so the gateway palette stays as it is): purge by path prefix or
/// exact key across the cluster, and this node's cache sizes. Both go through <c>/user/cache</c>.
/// </summary>
internal static class CachePalette
{
    private const string Usage = "usage: pbm [HOST:PORT] gateway cache purge <prefix> | gateway cache purge --key <path?query>";

    /// <summary>The palette (its commands start with <c>gateway</c>).</summary>
    public static OpsPalette Palette { get; } = new("gateway", "response cache of the cluster",
    [
        new OpsCommand
        {
            Name = "gateway cache purge", Arguments = "<prefix> | --key <path?query>", MinArgs = 1, MaxArgs = 2,
            Summary = "remove cached responses whose path starts with prefix, or for one path and query, on every node",
            Run = (inv, ctx) => PurgeAsync(inv.Args, ctx),
        },
        new OpsCommand
        {
            Name = "gateway cache stats", Summary = "entries and bytes in this node's L1 and in the L2 entries it owns",
            Run = (_, ctx) => StatsAsync(ctx),
        },
    ]);

    /// <summary>Reads the purge arguments: one prefix, or <c>--key</c> and a path with its query.</summary>
    public static (PurgeCache? Purge, string? Error) ParsePurge(IReadOnlyList<string> args)
    {
        if (args is ["--key", var key]) return key.StartsWith('/') ? (new PurgeCache(null, key), null) : (null, $"key '{key}' must start with '/'");
        if (args is [var prefix] && prefix != "--key") return prefix.StartsWith('/') ? (new PurgeCache(prefix, null), null) : (null, $"prefix '{prefix}' must start with '/'");
        return (null, "give a path prefix, or --key and a path with its query");
    }

    private static async Task<OpsResult> PurgeAsync(IReadOnlyList<string> args, OpsContext ctx)
    {
        var (purge, error) = ParsePurge(args);
        if (purge is null) return OpsResult.UsageError(error!, Usage);
        try
        {
            var applied = await ctx.System.ActorSelection("/user/cache")
                .Ask<CacheActor.PurgeApplied>(new CacheActor.RequestPurge(purge), ctx.Settings.AskTimeout).ConfigureAwait(false);
            var what = purge.Prefix is not null ? $"prefix {purge.Prefix}" : $"key {purge.Target}";
            return OpsResult.Ok(OpsFrame.Line(
                $"purged {what}: {N(applied.L1Removed)} L1 and {N(applied.L2Removed)} L2 entries removed on this node; published to every node"));
        }
        catch (AskTimeoutException)
        {
            return OpsResult.Failed($"the cache actor did not answer within {ctx.Settings.AskTimeout.TotalSeconds:0.#}s");
        }
    }

    private static async Task<OpsResult> StatsAsync(OpsContext ctx)
    {
        try
        {
            var stats = await ctx.System.ActorSelection("/user/cache").Ask<CacheActor.CacheStats>(CacheActor.GetCacheStats.Instance, ctx.Settings.AskTimeout)
                .ConfigureAwait(false);
            return OpsResult.Ok(OpsFrame.Table("cache", ["level", "entries", "bytes"],
            [
                ["l1", N(stats.L1Entries), N(stats.L1Bytes)],
                ["l2", N(stats.L2Entries), N(stats.L2Bytes)],
            ]));
        }
        catch (AskTimeoutException)
        {
            return OpsResult.Failed($"the cache actor did not answer within {ctx.Settings.AskTimeout.TotalSeconds:0.#}s");
        }
    }

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);
}
