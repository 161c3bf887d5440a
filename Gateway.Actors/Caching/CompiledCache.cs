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
    private readonly bool _perIdentity;

    /// <summary>
    /// Prepares <paramref name="definition"/> for route <paramref name="routeId"/>; <paramref name="authenticated"/> when the
    /// route has an auth policy, whose credentials arrive in <c>Authorization</c> or <paramref name="credentialHeader"/>.
    /// </summary>
    public CompiledCache(string routeId, CacheDefinition definition, bool authenticated = false, string? credentialHeader = null)
    {
        _routeId = routeId;
        Definition = definition;
        _perIdentity = authenticated && !definition.SharedAcrossIdentities;
        CredentialHeader = credentialHeader;
        var parts = definition.Key.IsDefaultOrEmpty ? CacheKeyParts.Default : definition.Key.ToArray();
        _host = parts.Contains(CacheKeyParts.Host);
        _query = parts.Contains(CacheKeyParts.Query);
        _headers = parts.Where(p => p.StartsWith(CacheKeyParts.HeaderPrefix, StringComparison.Ordinal))
            .Select(p => p[CacheKeyParts.HeaderPrefix.Length..]).ToArray();
        // Looked up once here, not per request.
        _results = new[] { CacheResults.Hit, CacheResults.HitCluster, CacheResults.Collapsed, CacheResults.Revalidated, CacheResults.Stale, CacheResults.Miss, CacheResults.Bypass }
            .ToDictionary(r => r, r => CacheMetrics.Requests.WithLabels(routeId, r.ToLowerInvariant()), StringComparer.Ordinal);
    }

    /// <summary>Counts one request with X-Cache <paramref name="result"/>.</summary>
    public void Count(string result)
    {
        if (_results.TryGetValue(result, out var counter)) counter.Inc();
    }

    /// <summary>The definition.</summary>
    public CacheDefinition Definition { get; }

    /// <summary>The route's API-key header, a credential like <c>Authorization</c>; null when it has none.</summary>
    public string? CredentialHeader { get; }

    /// <summary>
    /// The base key of a request for <paramref name="path"/> (the path as routed), or null when the request cannot use
    /// the cache: the route keys entries per identity and the request has none (no identity, or no value of the claim).
    /// </summary>
    /// <remarks>
    /// The identity rule: on a route with an auth policy the authenticated identity (the API key's name, the JWT's
    /// <c>sub</c>, or the route's <c>identity-claim</c>) is part of the key, unless the route says
    /// <c>shared-across-identities = on</c>. It is written length-prefixed right after the route id, so no value of it,
    /// or of the parts after it, can make two identities' keys equal.
    /// </remarks>
    public string? BaseKey(HttpContext context, string path)
    {
        string? identity = null;
        if (_perIdentity)
        {
            var who = context.Features.Get<Security.GatewayIdentity>();
            identity = Definition.IdentityClaim is { } claim ? who?.Claim(claim) : who?.Subject;
            if (string.IsNullOrEmpty(identity)) return null;
        }
        var request = context.Request;
        var sep = CacheKeys.Separator;
        var builder = new StringBuilder(_routeId.Length + path.Length + 64 + (identity?.Length ?? 0))
            .Append(_routeId).Append(sep);
        if (identity is not null) builder.Append(identity.Length).Append(':').Append(identity).Append(sep);
        builder
            .Append(_host ? request.Host.Host.ToLowerInvariant() : "").Append(sep)
            .Append(path).Append(sep)
            .Append(_query ? request.QueryString.Value : "");
        foreach (var name in _headers) builder.Append(sep).Append(name).Append('=').Append(request.Headers[name].ToString());
        return builder.ToString();
    }
}
