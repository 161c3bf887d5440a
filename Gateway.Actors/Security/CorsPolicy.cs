using System.Collections.Frozen;
using System.Globalization;
using Gateway.Protocol.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Actors.Security;

/// <summary>
/// A route's compiled CORS policy: matches origins (exact, <c>*</c>, <c>https://*.example.com</c>), answers preflights at
/// the gateway and sets the CORS headers of actual responses. A disallowed origin gets no CORS headers.
/// </summary>
public sealed class CorsPolicy
{
    private readonly FrozenSet<string> _exact;
    private readonly (string Scheme, string Suffix)[] _subdomains;
    private readonly bool _anyOrigin;
    private readonly bool _credentials;
    private readonly FrozenSet<string>? _methods;
    private readonly FrozenSet<string>? _headers;
    private readonly bool _anyHeader;
    private readonly string _methodsValue;
    private readonly string? _headersValue;
    private readonly string? _exposed;
    private readonly string? _maxAge;

    /// <summary>Compiles <paramref name="cors"/> for a route that takes <paramref name="routeMethods"/> (empty: any).</summary>
    public CorsPolicy(CorsDefinition cors, IReadOnlyCollection<string> routeMethods)
    {
        var origins = cors.AllowedOrigins.IsDefault ? [] : cors.AllowedOrigins;
        _anyOrigin = origins.Contains("*");
        _exact = origins.Where(o => o != "*" && !o.Contains("://*.", StringComparison.Ordinal)).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _subdomains = origins.Where(o => o.Contains("://*.", StringComparison.Ordinal))
            .Select(o => (o[..(o.IndexOf("://", StringComparison.Ordinal) + 3)], o[(o.IndexOf("://*.", StringComparison.Ordinal) + 5)..]))
            .ToArray();
        _credentials = cors.AllowCredentials;
        var methods = !cors.AllowedMethods.IsDefaultOrEmpty ? cors.AllowedMethods.ToArray() : routeMethods.ToArray();
        _methods = methods.Length == 0 ? null : methods.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _methodsValue = methods.Length == 0 ? "*" : string.Join(", ", methods);
        var headers = cors.AllowedHeaders.IsDefault ? [] : cors.AllowedHeaders;
        _anyHeader = headers.Contains("*");
        _headers = headers.Where(h => h != "*").ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _headersValue = headers.IsEmpty || _anyHeader ? null : string.Join(", ", headers);
        _exposed = cors.ExposedHeaders.IsDefaultOrEmpty ? null : string.Join(", ", cors.ExposedHeaders);
        _maxAge = cors.MaxAge is { } maxAge ? ((long)maxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture) : null;
    }

    /// <summary>True for a CORS preflight: OPTIONS with <c>Origin</c> and <c>Access-Control-Request-Method</c>.</summary>
    public static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Origin") && request.Headers.ContainsKey("Access-Control-Request-Method");

    /// <summary>Whether <paramref name="origin"/> is allowed.</summary>
    public bool AllowsOrigin(string origin)
    {
        if (_anyOrigin || _exact.Contains(origin)) return true;
        foreach (var (scheme, suffix) in _subdomains)
        {
            // scheme://<one or more labels>.suffix, nothing else (no path, no user info).
            if (origin.Length > scheme.Length + suffix.Length + 1
                && origin.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
                && origin.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && origin[^(suffix.Length + 1)] == '.'
                && origin.AsSpan(scheme.Length, origin.Length - scheme.Length - suffix.Length - 1).IndexOfAny("/@:?#") < 0)
                return true;
        }
        return false;
    }

    /// <summary>
    /// Answers a preflight: 204 with the CORS headers when origin, method and headers are allowed, else false (the
    /// caller answers 403 and no CORS header is set).
    /// </summary>
    public bool TryAnswerPreflight(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers.Append("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        var origin = request.Headers.Origin.ToString();
        if (!AllowsOrigin(origin)) return false;
        var method = request.Headers.AccessControlRequestMethod.ToString();
        if (_methods is not null && !_methods.Contains(method)) return false;
        var requested = request.Headers.AccessControlRequestHeaders;
        if (!_anyHeader && !AllHeadersAllowed(requested)) return false;

        var headers = response.Headers;
        SetOrigin(headers, origin);
        headers.AccessControlAllowMethods = _methodsValue == "*" && _credentials ? method : _methodsValue;
        // "*" is a literal name for credentialed requests: echo what was asked for instead.
        if (_anyHeader) { if (!StringValues.IsNullOrEmpty(requested)) headers.AccessControlAllowHeaders = requested; }
        else if (_headersValue is not null) headers.AccessControlAllowHeaders = _headersValue;
        if (_maxAge is not null) headers.AccessControlMaxAge = _maxAge;
        response.StatusCode = StatusCodes.Status204NoContent;
        response.ContentLength = 0;
        return true;
    }

    /// <summary>Sets the CORS headers of an actual (non-preflight) response when the request's origin is allowed.</summary>
    public void ApplyToResponse(HttpContext context)
    {
        var headers = context.Response.Headers;
        if (!headers.Vary.Contains("Origin")) headers.Append("Vary", "Origin");
        var origin = context.Request.Headers.Origin;
        if (StringValues.IsNullOrEmpty(origin) || !AllowsOrigin(origin.ToString())) return;
        SetOrigin(headers, origin.ToString());
        if (_exposed is not null) headers.AccessControlExposeHeaders = _exposed;
    }

    private void SetOrigin(IHeaderDictionary headers, string origin)
    {
        headers.AccessControlAllowOrigin = _anyOrigin && !_credentials ? "*" : origin;
        if (_credentials) headers.AccessControlAllowCredentials = "true";
    }

    private bool AllHeadersAllowed(StringValues requested)
    {
        foreach (var value in requested)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                var name = value.AsSpan()[range].Trim();
                if (name.IsEmpty) continue;
                if (!_headers!.GetAlternateLookup<ReadOnlySpan<char>>().Contains(name)) return false;
            }
        }
        return true;
    }
}
