using Akka.Configuration;
using Gateway.Protocol.Security;
using Gateway.Protocol.Validation;

namespace Gateway.Actors.Security;

/// <summary>
/// The node's security config: headers stripped from client requests, global client address rules, auth policy
/// defaults, and the named auth policies themselves (<c>gateway.auth</c>).
/// </summary>
public sealed record SecuritySettings
{
    /// <summary>Header names (or <c>Prefix-*</c>) removed from every client request (<c>gateway.ingress.strip-request-headers</c>).</summary>
    public IReadOnlyList<string> StripRequestHeaders { get; init; } = [];

    /// <summary>Rules every route applies before its own (<c>gateway.ip-rules</c>).</summary>
    public IpRulesDefinition GlobalIpRules { get; init; } = new();

    /// <summary>Default JWT clock skew (<c>gateway.auth-defaults.clock-skew</c>).</summary>
    public TimeSpan ClockSkew { get; init; }

    /// <summary>Default JWKS reload interval (<c>gateway.auth-defaults.jwks-refresh</c>).</summary>
    public TimeSpan JwksRefresh { get; init; }

    /// <summary>Least time between two JWKS reloads caused by tokens with an unknown <c>kid</c> (<c>gateway.auth-defaults.jwks-unknown-kid-cooldown</c>).</summary>
    public TimeSpan JwksUnknownKidCooldown { get; init; }

    /// <summary>Default API key header (<c>gateway.auth-defaults.api-key-header</c>).</summary>
    public string ApiKeyHeader { get; init; } = "";

    /// <summary>The named auth policies.</summary>
    public IReadOnlyList<AuthPolicyDefinition> Policies { get; init; } = [];

    /// <summary>Reads the settings; every invalid entry is reported, named by its HOCON path.</summary>
    /// <exception cref="ConfigurationException">Some entry is invalid; the message lists them all.</exception>
    public static SecuritySettings FromConfig(Config config)
    {
        var errors = new List<ValidationError>();
        var strip = config.GetStringList("gateway.ingress.strip-request-headers");
        for (var i = 0; i < strip.Count; i++)
        {
            var name = strip[i].EndsWith('*') ? strip[i][..^1] : strip[i];
            if (name.Length == 0 || name.AsSpan().IndexOfAny(" \t\r\n:*") >= 0)
                errors.Add(new($"gateway.ingress.strip-request-headers[{i}]", $"'{strip[i]}' is not a header name or a prefix such as X-Internal-*"));
        }
        var ipRules = new IpRulesDefinition { Allow = [.. config.GetStringList("gateway.ip-rules.allow")], Deny = [.. config.GetStringList("gateway.ip-rules.deny")] };
        errors.AddRange(DefinitionValidator.ValidateIpRules(ipRules, "gateway.ip-rules"));
        var (policies, policyErrors) = AuthPolicies.FromConfig(config);
        errors.AddRange(policyErrors);
        if (errors.Count > 0) throw new ConfigurationException("invalid security settings:\n  " + string.Join("\n  ", errors));
        return new SecuritySettings
        {
            StripRequestHeaders = [.. strip],
            GlobalIpRules = ipRules,
            ClockSkew = config.GetTimeSpan("gateway.auth-defaults.clock-skew"),
            JwksRefresh = config.GetTimeSpan("gateway.auth-defaults.jwks-refresh"),
            JwksUnknownKidCooldown = config.GetTimeSpan("gateway.auth-defaults.jwks-unknown-kid-cooldown"),
            ApiKeyHeader = config.GetString("gateway.auth-defaults.api-key-header"),
            Policies = policies,
        };
    }
}
