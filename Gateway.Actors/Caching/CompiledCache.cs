using System.Text;
using Gateway.Protocol.Caching;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Caching;

/// <summary>A route's cache section prepared for the hot path: which key parts to read, and its limits.</summary>
public sealed class CompiledCache
{
    private readonly bool _host;
    private readonly bool _query;
    private readonly string[] _headers;
    private readonly string _routeId;
    private readonly Dictionary<string, Prometheus.Counter.Child> _results;

    /// <summary>Prepares <paramref name="definition"/> for route <paramref name="routeId"/>.</summary>
    public CompiledCache(string routeId, CacheDefinition definition)
    {
        _routeId = routeId;
        Definition = definition;
        var parts = definition.Key.IsDefaultOrEmpty ? CacheKeyParts.Default : definition.Key.ToArray();
        _host = parts.Contains(CacheKeyParts.Host);
        _query = parts.Contains(CacheKeyParts.Query);
        _headers = parts.Where(p => p.StartsWith(CacheKeyParts.HeaderPrefix, StringComparison.Ordinal))
            .Select(p => p[CacheKeyParts.HeaderPrefix.Length..]).ToArray();
        // Looked up once here, not per request.
        _results = new[] { CacheResults.Hit, CacheResults.HitCluster, CacheResults.Collapsed, CacheResults.Revalidated, CacheResults.Miss, CacheResults.Bypass }
            .ToDictionary(r => r, r => CacheMetrics.Requests.WithLabels(routeId, r.ToLowerInvariant()), StringComparer.Ordinal);
    }

    /// <summary>Counts one request with X-Cache <paramref name="result"/>.</summary>
    public void Count(string result)
    {
        if (_results.TryGetValue(result, out var counter)) counter.Inc();
    }

    /// <summary>The definition.</summary>
    public CacheDefinition Definition { get; }

    /// <summary>The base key of a request for <paramref name="path"/> (the path as routed).</summary>
    public string BaseKey(HttpRequest request, string path)
    {
        var sep = CacheKeys.Separator;
        var builder = new StringBuilder(_routeId.Length + path.Length + 64)
            .Append(_routeId).Append(sep)
            .Append(_host ? request.Host.Host.ToLowerInvariant() : "").Append(sep)
            .Append(path).Append(sep)
            .Append(_query ? request.QueryString.Value : "");
        foreach (var name in _headers) builder.Append(sep).Append(name).Append('=').Append(request.Headers[name].ToString());
        return builder.ToString();
    }
}
