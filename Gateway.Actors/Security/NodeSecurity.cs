using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text;
using Akka.Configuration;
using Gateway.Actors.RateLimiting;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Security;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Actors.Security;

/// <summary>
/// The node's compiled security: the header stripper, the global address rules and one authenticator per auth policy
/// (JWKS loaded, refresh timers running). The route table compiles each route's <see cref="RouteSecurity"/> from it.
/// </summary>
public sealed class NodeSecurity : IDisposable
{
    private readonly FrozenDictionary<string, (AuthPolicyDefinition Definition, RouteAuthenticator Authenticator)> _policies;
    private readonly IpRuleSet? _global;
    private readonly ClientAddressResolver _clients;

    /// <summary>How the client's address is found (trusted proxies), for policies keyed on it.</summary>
    internal ClientAddressResolver Clients => _clients;

    /// <summary>Compiles <paramref name="settings"/>: reads JWKS files and HS256 secrets now, so a bad one stops the node at start.</summary>
    /// <exception cref="ConfigurationException">A JWKS file cannot be read or holds no key, or a secret variable is unset or short.</exception>
    public NodeSecurity(SecuritySettings settings, ClientAddressResolver clients, ILoggerFactory logs, TimeProvider? time = null)
    {
        _clients = clients;
        Strip = new HeaderStripper(settings.StripRequestHeaders);
        _global = IpRuleSet.Create(settings.GlobalIpRules);
        var errors = new List<string>();
        var policies = new Dictionary<string, (AuthPolicyDefinition, RouteAuthenticator)>(StringComparer.Ordinal);
        foreach (var policy in settings.Policies)
        {
            var at = $"gateway.auth.{policy.Name}";
            RouteAuthenticator? authenticator = null;
            if (policy.ApiKeys is { } apiKeys)
            {
                authenticator = new ApiKeyAuthenticator(policy.Name, apiKeys, apiKeys.Header ?? settings.ApiKeyHeader);
            }
            else if (policy.Jwt is { } jwt)
            {
                authenticator = CreateJwt(policy.Name, jwt, at, errors, settings, logs, time);
            }
            if (authenticator is not null) policies[policy.Name] = (policy, authenticator);
        }
        _policies = policies.ToFrozenDictionary(StringComparer.Ordinal);
        if (errors.Count > 0)
        {
            Dispose();
            throw new ConfigurationException("invalid auth policies:\n  " + string.Join("\n  ", errors));
        }
    }

    /// <summary>Headers removed from every client request.</summary>
    public HeaderStripper Strip { get; }

    /// <summary>Whether this node has the auth policy <paramref name="name"/>.</summary>
    public bool HasPolicy(string name) => _policies.ContainsKey(name);

    /// <summary>The authenticator of policy <paramref name="name"/>, or null.</summary>
    public RouteAuthenticator? Authenticator(string name) => _policies.TryGetValue(name, out var p) ? p.Authenticator : null;

    /// <summary>The security chain of <paramref name="route"/>, or null when it has no auth, CORS or address rules (nor does the node).</summary>
    public RouteSecurity? Compile(RouteDefinition route)
    {
        var ip = IpRuleSet.Combine(_global, IpRuleSet.Create(route.IpRules));
        if (ip is null && route.Cors is null && route.Auth is null) return null;
        var cors = route.Cors is { } c ? new CorsPolicy(c, route.Methods.IsDefault ? [] : route.Methods) : null;
        var found = route.Auth is { } name && _policies.TryGetValue(name, out var p) ? p : default;
        var missing = route.Auth is not null && found.Authenticator is null ? route.Auth : null;
        return new RouteSecurity(ip, _clients, cors, found.Authenticator, found.Definition, missing);
    }

    /// <summary>Stops the JWKS refresh timers.</summary>
    public void Dispose()
    {
        foreach (var (_, authenticator) in _policies?.Values ?? []) authenticator.Dispose();
    }

    // Apart from the constructor and never inlined: compiling a method that names IdentityModel's types loads its
    // assemblies, so a node without a JWT policy maps none of them (issue 12, ops/bench/RESULTS.md "Memory").
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static JwtAuthenticator? CreateJwt(string name, Protocol.Security.JwtAuthDefinition jwt, string at, List<string> errors,
        SecuritySettings settings, ILoggerFactory logs, TimeProvider? time) =>
        FirstKeys(jwt, at, errors) is { } keys
            ? new JwtAuthenticator(name, jwt, keys, jwt.ClockSkew ?? settings.ClockSkew, jwt.JwksRefresh ?? settings.JwksRefresh,
                time ?? TimeProvider.System, logs.CreateLogger<JwtAuthenticator>(), settings.JwksUnknownKidCooldown)
            : null;

    private static IReadOnlyList<SecurityKey>? FirstKeys(Protocol.Security.JwtAuthDefinition jwt, string at, List<string> errors)
    {
        if (jwt.Hs256SecretEnv is { } variable)
        {
            // The secret's value is never echoed: only the variable's name and the problem.
            var secret = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(secret)) errors.Add($"{at}.jwt.hs256-secret-env: environment variable '{variable}' is not set");
            else if (Encoding.UTF8.GetByteCount(secret) < 32) errors.Add($"{at}.jwt.hs256-secret-env: the secret in '{variable}' must be at least 32 bytes for HS256");
            else return [new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret))];
            return null;
        }
        if (jwt.JwksFile is { } file)
        {
            try
            {
                return JwksLoader.ReadFile(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                errors.Add($"{at}.jwt.jwks-file: '{file}' is not a readable JWKS with a signing key ({ex.Message})");
                return null;
            }
        }
        // A JWKS URL is fetched by the refresh timer at once; until it answers, tokens are refused with 401.
        return [];
    }
}
