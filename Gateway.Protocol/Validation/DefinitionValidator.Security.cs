using System.Net;
using System.Text.RegularExpressions;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Security;

namespace Gateway.Protocol.Validation;

/// <summary>Checks of a route's <c>auth</c>, <c>cors</c> and <c>ip-rules</c>, and of the node's auth policies.</summary>
public static partial class DefinitionValidator
{
    /// <summary>Errors in a route's security sections (the auth policy name's shape; whether it exists is the node's to say).</summary>
    private static void ValidateSecurity(RouteDefinition route, Func<string, string> field, List<ValidationError> errors)
    {
        if (route.Auth is { } auth && !IdPattern().IsMatch(auth))
            errors.Add(new(field("auth"), $"'{auth}' is not an auth policy name (letters, digits, '.', '_' or '-')"));
        if (route.Cors is { } cors) ValidateCors(cors, field("cors"), field, errors);
        if (route.IpRules is { } rules) ValidateIpRules(rules, field("ipRules"), errors);
    }

    /// <summary>Errors in a list of CIDRs or addresses at <paramref name="at"/> (e.g. <c>ip-rules.allow</c>).</summary>
    public static IReadOnlyList<ValidationError> ValidateIpRules(IpRulesDefinition rules, string at)
    {
        var errors = new List<ValidationError>();
        ValidateIpRules(rules, at, errors);
        return errors;
    }

    private static void ValidateIpRules(IpRulesDefinition rules, string at, List<ValidationError> errors)
    {
        Networks(rules.Allow, $"{at}.allow", errors);
        Networks(rules.Deny, $"{at}.deny", errors);
    }

    private static void Networks(System.Collections.Immutable.ImmutableArray<string> list, string at, List<ValidationError> errors)
    {
        for (var i = 0; i < list.Length; i++)
        {
            if (!IsNetwork(list[i]))
                errors.Add(new($"{at}[{i}]", $"'{list[i]}' is not an address or a CIDR such as 10.0.0.0/8 or 2001:db8::/32 (no bits set past the prefix)"));
        }
    }

    // A CIDR whose address has bits set past the prefix ("10.0.0.1/8") is a typo more often than a network: refused.
    private static bool IsNetwork(string text)
    {
        var slash = text.IndexOf('/');
        if (slash < 0) return IPAddress.TryParse(text, out _);
        return IPNetwork.TryParse(text, out var network) && IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            && network.BaseAddress.Equals(address);
    }

    private static void ValidateCors(CorsDefinition cors, string at, Func<string, string> field, List<ValidationError> errors)
    {
        string F(string camel) => $"{at}.{Name(field, camel)}";
        if (cors.AllowedOrigins.IsDefaultOrEmpty)
            errors.Add(new(F("allowedOrigins"), "needs at least one origin"));
        for (var i = 0; i < cors.AllowedOrigins.Length; i++)
        {
            var origin = cors.AllowedOrigins[i];
            if (origin == "*")
            {
                if (cors.AllowCredentials)
                    errors.Add(new($"{F("allowedOrigins")}[{i}]", "'*' cannot be combined with allow-credentials; list the origins"));
            }
            else if (!OriginPattern().IsMatch(origin))
            {
                errors.Add(new($"{F("allowedOrigins")}[{i}]", $"'{origin}' is not an origin such as https://app.example.com, https://*.example.com or *"));
            }
        }
        for (var i = 0; i < cors.AllowedMethods.Length; i++)
        {
            if (!TokenPattern().IsMatch(cors.AllowedMethods[i]))
                errors.Add(new($"{F("allowedMethods")}[{i}]", $"'{cors.AllowedMethods[i]}' is not an HTTP method"));
        }
        HeaderNames(cors.AllowedHeaders, F("allowedHeaders"), allowStar: true, errors);
        HeaderNames(cors.ExposedHeaders, F("exposedHeaders"), allowStar: false, errors);
        if (cors.MaxAge is { } maxAge && maxAge < TimeSpan.Zero)
            errors.Add(new(F("maxAge"), "must not be negative"));
    }

    /// <summary>Errors in one auth policy of the node, named <c>gateway.auth.NAME.…</c> (kebab-case).</summary>
    public static IReadOnlyList<ValidationError> ValidateAuthPolicy(AuthPolicyDefinition policy, string at)
    {
        var errors = new List<ValidationError>();
        if (!IdPattern().IsMatch(policy.Name))
            errors.Add(new(at, $"'{policy.Name}' is not a policy name (letters, digits, '.', '_' or '-')"));
        if ((policy.Jwt is null) == (policy.ApiKeys is null))
            errors.Add(new(at, "give exactly one of jwt { } and api-keys { }"));

        if (policy.Jwt is { } jwt)
        {
            var jwtAt = $"{at}.jwt";
            var sources = (jwt.JwksFile is null ? 0 : 1) + (jwt.JwksUrl is null ? 0 : 1) + (jwt.Hs256SecretEnv is null ? 0 : 1);
            if (sources != 1)
                errors.Add(new(jwtAt, "give exactly one key source: jwks-file, jwks-url or hs256-secret-env"));
            if (jwt.JwksUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
                errors.Add(new($"{jwtAt}.jwks-url", $"'{url}' is not an absolute http or https URL"));
            if (jwt.Hs256SecretEnv is { } env && !EnvPattern().IsMatch(env))
                errors.Add(new($"{jwtAt}.hs256-secret-env", $"'{env}' is not an environment variable name"));
            if (jwt.ClockSkew is { } skew && skew < TimeSpan.Zero)
                errors.Add(new($"{jwtAt}.clock-skew", "must not be negative"));
            Positive(jwt.JwksRefresh, $"{jwtAt}.jwks-refresh", errors);
        }

        if (policy.ApiKeys is { } apiKeys)
        {
            var keysAt = $"{at}.api-keys";
            if (apiKeys.Header is { } header && !TokenPattern().IsMatch(header))
                errors.Add(new($"{keysAt}.header", $"'{header}' is not a valid header name"));
            if (apiKeys.Keys.IsDefaultOrEmpty)
                errors.Add(new($"{keysAt}.keys", "needs at least one key"));
            var hashes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < apiKeys.Keys.Length; i++)
            {
                var key = apiKeys.Keys[i];
                // Only the hash is ever shown back: it is what the operator wrote, not the key.
                if (!Sha256Pattern().IsMatch(key.Sha256))
                    errors.Add(new($"{keysAt}.keys[{i}].sha256", "must be the 64 hex digits of the key's SHA-256"));
                else if (!hashes.Add(key.Sha256))
                    errors.Add(new($"{keysAt}.keys[{i}].sha256", "is listed twice"));
            }
        }

        foreach (var (claim, header) in policy.ForwardClaims)
        {
            if (!TokenPattern().IsMatch(header))
                errors.Add(new($"{at}.forward-claims.{claim}", $"'{header}' is not a valid header name"));
        }
        return errors;
    }

    private static void HeaderNames(System.Collections.Immutable.ImmutableArray<string> names, string at, bool allowStar, List<ValidationError> errors)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (!(allowStar && names[i] == "*") && !TokenPattern().IsMatch(names[i]))
                errors.Add(new($"{at}[{i}]", $"'{names[i]}' is not a valid header name"));
        }
    }

    // scheme://host[:port], where the host may start with "*." for any subdomain; no path.
    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*://(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:[0-9]{1,5})?$")]
    private static partial Regex OriginPattern();

    [GeneratedRegex("^[0-9A-Fa-f]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvPattern();
}
