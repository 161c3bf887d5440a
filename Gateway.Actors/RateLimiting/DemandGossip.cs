using System.Globalization;
using System.Text;

namespace Gateway.Actors.RateLimiting;

/// <summary>
/// How a node's demand per cluster-scope key travels: only the hottest <c>max-gossiped-keys</c> keys, spread over
/// <c>gossip-shards</c> Distributed Data entries by a stable hash of the key, each piece a compact text
/// (<c>uid</c> line, then <c>key TAB rate</c> lines). So no one replicated value grows with the number of keys a node
/// has seen: at 100k active keys each entry holds at most <c>max-gossiped-keys / gossip-shards</c> lines per node.
/// </summary>
internal static class DemandGossip
{
    /// <summary>This node's report split into <paramref name="shards"/> payloads, keeping the <paramref name="maxKeys"/> largest demands.</summary>
    /// <param name="uid">The reporting member's unique address id: a report of an earlier incarnation of the node is ignored.</param>
    /// <param name="demand">Entry key (route and limit key) and smoothed demand, requests per second.</param>
    /// <param name="shards">Number of Distributed Data entries.</param>
    /// <param name="maxKeys">Most keys reported; the rest (the coldest) are left out.</param>
    public static string[] Build(long uid, IReadOnlyList<KeyValuePair<string, double>> demand, int shards, int maxKeys)
    {
        IEnumerable<KeyValuePair<string, double>> hottest = demand.Count <= maxKeys
            ? demand
            : demand.OrderByDescending(d => d.Value).Take(maxKeys);
        var builders = new StringBuilder[shards];
        var head = uid.ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < shards; i++) builders[i] = new StringBuilder(head);
        foreach (var (key, rate) in hottest)
        {
            if (key.AsSpan().IndexOfAny('\n', '\t') >= 0) continue; // EntryKey never makes one; a report must stay parseable
            builders[ShardOf(key, shards)].Append('\n').Append(key).Append('\t').Append(rate.ToString("0.##", CultureInfo.InvariantCulture));
        }
        return builders.Select(b => b.ToString()).ToArray();
    }

    /// <summary>Adds the demand in <paramref name="payload"/> to <paramref name="sum"/> when it was written by incarnation <paramref name="uid"/>.</summary>
    /// <returns>False when the payload is unreadable or from another incarnation.</returns>
    public static bool TryAdd(string payload, long uid, Dictionary<string, double> sum)
    {
        var lines = payload.Split('\n');
        if (!long.TryParse(lines[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var writer) || writer != uid) return false;
        for (var i = 1; i < lines.Length; i++)
        {
            var tab = lines[i].LastIndexOf('\t');
            if (tab < 0 || !double.TryParse(lines[i].AsSpan(tab + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var rate)) continue;
            var key = lines[i][..tab];
            sum[key] = sum.GetValueOrDefault(key) + rate;
        }
        return true;
    }

    /// <summary>The key of <paramref name="key"/> under route <paramref name="routeId"/> in a report: no newline or tab in it.</summary>
    public static string EntryKey(string routeId, string key)
    {
        var entry = routeId + "\u001f" + key;
        return entry.AsSpan().IndexOfAny('\n', '\t') < 0 ? entry : entry.Replace('\n', ' ').Replace('\t', ' ');
    }

    /// <summary>The shard of an entry key: FNV-1a, the same on every node and in every process.</summary>
    public static int ShardOf(string key, int shards)
    {
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return (int)(hash % (uint)shards);
    }
}
