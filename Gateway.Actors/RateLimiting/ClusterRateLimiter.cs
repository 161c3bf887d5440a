using System.Collections.Concurrent;
using System.Globalization;
using Gateway.Protocol.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.RateLimiting;

/// <summary>
/// A route's cluster-scope rate limit: every node admits locally (no remote call per request) from a bucket per key
/// that refills at this node's share of the limit. <see cref="RateLimitGossipActor"/> gossips each node's demand and
/// sets the shares in proportion to it, so the limit holds for the sum over the nodes.
/// </summary>
public sealed class ClusterRateLimiter : IRouteRateLimiter
{
    private readonly ConcurrentDictionary<string, ShareBucket> _buckets = new(StringComparer.Ordinal);
    private readonly ClientAddressResolver _clients;
    private readonly bool _byRoute;
    private readonly string? _header;
    private readonly string? _claim;
    private readonly string _limitValue;
    private readonly string _resetValue;
    private volatile int _nodes = 1;

    /// <summary>Creates the limiter of route <paramref name="routeId"/>.</summary>
    /// <param name="routeId">The route it limits.</param>
    /// <param name="definition">The route's rate limit.</param>
    /// <param name="clients">Resolves client addresses for address keys.</param>
    /// <param name="nodes">Members known now: each bucket starts at this share of the limit and burst, until gossip says better.</param>
    public ClusterRateLimiter(string routeId, RateLimitDefinition definition, ClientAddressResolver clients, int nodes = 1)
    {
        Nodes = nodes;
        RouteId = routeId;
        Definition = definition;
        Counters = new RateLimitCounters(routeId);
        _clients = clients;
        _byRoute = definition.Key == "route";
        _header = definition.Key.StartsWith("header:", StringComparison.Ordinal) ? definition.Key[7..] : null;
        _claim = RateLimitKeys.ClaimOf(definition.Key);
        _limitValue = definition.Limit.ToString(CultureInfo.InvariantCulture);
        _resetValue = Math.Max(1, (int)Math.Ceiling(definition.Period.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The route it limits.</summary>
    public string RouteId { get; }

    /// <inheritdoc />
    public RateLimitDefinition Definition { get; }

    /// <inheritdoc />
    public RateLimitCounters Counters { get; }

    /// <summary>Limit in requests per second, for the whole cluster.</summary>
    public double LimitPerSecond => Definition.Limit / Definition.Period.TotalSeconds;

    /// <summary>Largest burst, for the whole cluster.</summary>
    public double Burst => Definition.Burst ?? Definition.Limit;

    /// <summary>Keys this node has buckets for.</summary>
    public int KeyCount => _buckets.Count;

    internal IEnumerable<KeyValuePair<string, ShareBucket>> Buckets => _buckets;

    /// <summary>Up members, as the rate-limit actor last saw them; a new key starts at an equal share.</summary>
    internal int Nodes
    {
        get => _nodes;
        set => _nodes = Math.Max(1, value);
    }

    /// <inheritdoc />
    public string? TryAdmit(HttpContext context)
    {
        var key = RateLimitKeys.Of(context, _byRoute, _header, _clients, _claim);
        var bucket = _buckets.GetOrAdd(key, static (_, self) => self.NewBucket(), this);
        var admitted = bucket.TryTake(out var left);
        Counters.Record(admitted);
        RateLimitKeys.SetHeaders(context.Response.Headers, _limitValue, (long)left, _resetValue);
        if (admitted) return null;
        return Math.Max(1, (int)Math.Ceiling(bucket.SecondsToNextToken())).ToString(CultureInfo.InvariantCulture);
    }

    internal void Evict(string key) => _buckets.TryRemove(key, out _);

    private ShareBucket NewBucket()
    {
        var nodes = _nodes;
        return new ShareBucket(LimitPerSecond / nodes, Math.Max(1, Burst / nodes));
    }

    /// <inheritdoc />
    public void Dispose() => _buckets.Clear();
}
