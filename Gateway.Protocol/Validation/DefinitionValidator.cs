using System.Text.RegularExpressions;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;

namespace Gateway.Protocol.Validation;

/// <summary>Checks the meaning of route and upstream definitions, returning every problem with its field path.</summary>
public static partial class DefinitionValidator
{
    /// <summary>Errors in <paramref name="route"/>; <paramref name="upstreamExists"/> says whether a named upstream is known.</summary>
    public static IReadOnlyList<ValidationError> ValidateRoute(RouteDefinition route, Func<string, bool> upstreamExists, string at = "", bool kebabCase = false)
    {
        var errors = new List<ValidationError>();
        string F(string camel) => Field(at, camel, kebabCase);

        if (!string.IsNullOrEmpty(route.Id) && !IdPattern().IsMatch(route.Id))
            errors.Add(new(F("id"), $"'{route.Id}' must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"));

        PathTemplate? template = null;
        if (!string.IsNullOrEmpty(route.Path) && !PathTemplate.TryParse(route.Path, out template, out var pathError))
            errors.Add(new(F("path"), pathError!));

        if (!string.IsNullOrEmpty(route.Upstream) && !upstreamExists(route.Upstream))
            errors.Add(new(F("upstream"), $"upstream '{route.Upstream}' does not exist"));

        for (var i = 0; i < route.Hosts.Length; i++)
        {
            if (!HostPattern().IsMatch(route.Hosts[i]))
                errors.Add(new($"{F("hosts")}[{i}]", $"'{route.Hosts[i]}' is not a host name or a wildcard such as *.example.com"));
        }

        for (var i = 0; i < route.Methods.Length; i++)
        {
            if (!TokenPattern().IsMatch(route.Methods[i]))
                errors.Add(new($"{F("methods")}[{i}]", $"'{route.Methods[i]}' is not an HTTP method"));
        }

        if (route.Timeout is { } timeout && timeout <= TimeSpan.Zero)
            errors.Add(new(F("timeout"), "must be greater than zero"));

        if (route.Rewrite is { } rewrite)
            ValidateRewrite(rewrite, template, F("rewrite"), kebabCase, errors);

        if (route.MaxRequestBodySize is < 0)
            errors.Add(new(F("maxRequestBodySize"), "must not be negative"));

        if (route.RateLimit is { } limit)
            ValidateRateLimit(limit, F("rateLimit"), errors);

        if (route.Cache is { } cache)
            ValidateCache(cache, route.Auth is not null, F("cache"), kebabCase, errors);

        ValidateHeaders(route.RequestHeaders, F("requestHeaders"), kebabCase, errors);
        ValidateHeaders(route.ResponseHeaders, F("responseHeaders"), kebabCase, errors);
        ValidateSecurity(route, F, errors);
        ValidateTraffic(route, upstreamExists, F, errors);
        return errors;
    }

    /// <summary>Errors in <paramref name="upstream"/>.</summary>
    public static IReadOnlyList<ValidationError> ValidateUpstream(UpstreamDefinition upstream, string at = "", bool kebabCase = false)
    {
        var errors = new List<ValidationError>();
        string F(string camel) => Field(at, camel, kebabCase);

        if (!string.IsNullOrEmpty(upstream.Name) && !IdPattern().IsMatch(upstream.Name))
            errors.Add(new(F("name"), $"'{upstream.Name}' must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"));

        if (upstream.Endpoints.IsDefaultOrEmpty)
            errors.Add(new(F("endpoints"), "needs at least one endpoint"));

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < upstream.Endpoints.Length; i++)
        {
            var endpoint = upstream.Endpoints[i];
            var endpointAt = $"{F("endpoints")}[{i}]";
            if (!Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
                errors.Add(new($"{endpointAt}.url", $"'{endpoint.Url}' is not an absolute http or https URL"));
            else if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
                errors.Add(new($"{endpointAt}.url", $"'{endpoint.Url}' must not carry a query or fragment"));
            else if (!seen.Add(uri.GetLeftPart(UriPartial.Path).TrimEnd('/')))
                errors.Add(new($"{endpointAt}.url", $"'{endpoint.Url}' is listed twice"));
            if (endpoint.Weight is < 1 or > 1000)
                errors.Add(new($"{endpointAt}.weight", "must be between 1 and 1000"));
        }

        if (upstream.MaxInFlight is < 1)
            errors.Add(new(F("maxInFlight"), "must be at least 1"));
        if (upstream.MaxQueued is < 0)
            errors.Add(new(F("maxQueued"), "must not be negative"));
        if (upstream.ConnectTimeout is { } connect && connect <= TimeSpan.Zero)
            errors.Add(new(F("connectTimeout"), "must be greater than zero"));
        if (upstream.RequestTimeout is { } request && request <= TimeSpan.Zero)
            errors.Add(new(F("requestTimeout"), "must be greater than zero"));
        ValidatePolicies(upstream, F, errors);
        ValidateHashKey(upstream, F, errors);
        return errors;
    }

    private static void ValidateRewrite(RouteRewrite rewrite, PathTemplate? routePath, string at, bool kebabCase, List<ValidationError> errors)
    {
        var stripAt = $"{at}.{(kebabCase ? "strip-prefix" : "stripPrefix")}";
        var templateAt = $"{at}.template";
        if (rewrite.StripPrefix is not null && rewrite.Template is not null)
        {
            errors.Add(new(at, "give either strip-prefix or template, not both"));
            return;
        }

        if (rewrite.StripPrefix is { } prefix && (prefix.Length == 0 || prefix[0] != '/' || prefix.AsSpan().IndexOfAny("{}?#") >= 0))
            errors.Add(new(stripAt, $"'{prefix}' must be a literal path starting with '/'"));

        if (rewrite.Template is { } text)
        {
            if (!PathTemplate.TryParse(text, out var template, out var error))
            {
                errors.Add(new(templateAt, error!));
            }
            else if (routePath is not null)
            {
                var captures = routePath.CaptureNames.ToHashSet(StringComparer.OrdinalIgnoreCase);
                foreach (var segment in template!.Segments.Where(s => s.Kind != PathSegmentKind.Static && !captures.Contains(s.Value)))
                    errors.Add(new(templateAt, $"'{{{segment.Value}}}' is not captured by the route path '{routePath.Text}'"));
            }
        }
    }

    private static void ValidateRateLimit(RateLimitDefinition limit, string at, List<ValidationError> errors)
    {
        if (!(limit.Key is "client-ip" or "route" or "api-key"
              || limit.Key.StartsWith("header:", StringComparison.Ordinal) && TokenPattern().IsMatch(limit.Key[7..])
              || limit.Key.StartsWith("claim:", StringComparison.Ordinal) && limit.Key.Length > 6))
            errors.Add(new($"{at}.key", $"'{limit.Key}' is not one of client-ip, route, header:NAME, claim:NAME, api-key"));
        if (limit.Algorithm is not ("token-bucket" or "sliding-window"))
            errors.Add(new($"{at}.algorithm", $"'{limit.Algorithm}' is not one of token-bucket, sliding-window"));
        if (limit.Limit < 1)
            errors.Add(new($"{at}.limit", "must be at least 1"));
        if (limit.Period <= TimeSpan.Zero)
            errors.Add(new($"{at}.period", "must be greater than zero"));
        if (limit.Burst is < 1)
            errors.Add(new($"{at}.burst", "must be at least 1"));
        if (limit.Scope is not ("node" or "cluster"))
            errors.Add(new($"{at}.scope", $"'{limit.Scope}' is not one of node, cluster"));
    }

    private static void ValidateHeaders(HeaderTransforms headers, string at, bool kebabCase, List<ValidationError> errors)
    {
        foreach (var (name, value) in headers.Add)
        {
            if (!TokenPattern().IsMatch(name))
                errors.Add(new($"{at}.add", $"'{name}' is not a valid header name"));
            else if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
                errors.Add(new($"{at}.add.{name}", "must not contain CR, LF or NUL"));
        }
        for (var i = 0; i < headers.Remove.Length; i++)
        {
            if (!TokenPattern().IsMatch(headers.Remove[i]))
                errors.Add(new($"{at}.remove[{i}]", $"'{headers.Remove[i]}' is not a valid header name"));
        }
    }

    private static string Field(string at, string camel, bool kebabCase)
    {
        var name = kebabCase ? Configuration.DefinitionReader.ToKebab(camel) : camel;
        return string.IsNullOrEmpty(at) ? name : $"{at}.{name}";
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostPattern();

    // RFC 9110 token: what a method or a header name may be made of.
    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")]
    private static partial Regex TokenPattern();
}
