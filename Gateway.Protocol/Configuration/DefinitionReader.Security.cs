using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Gateway.Protocol.Security;

namespace Gateway.Protocol.Configuration;

/// <summary>The security sections: a route's <c>cors</c> and <c>ip-rules</c>, and the node's named auth policies.</summary>
public sealed partial class DefinitionReader
{
    /// <summary>Reads the named auth policies of <c>gateway.auth</c> (an object of policy name to policy) found at <paramref name="at"/>.</summary>
    public ImmutableArray<AuthPolicyDefinition> ReadAuthPolicies(JsonNode? node, string at)
    {
        if (node is null) return [];
        if (Object(node, at) is not { } obj) return [];
        var result = ImmutableArray.CreateBuilder<AuthPolicyDefinition>(obj.Count);
        // Policy names are data, like header names: kept as written.
        foreach (var (name, value) in obj)
        {
            if (ReadAuthPolicy(name, value, $"{at}.{name}") is { } policy) result.Add(policy);
        }
        return result.ToImmutable();
    }

    private AuthPolicyDefinition? ReadAuthPolicy(string name, JsonNode? node, string at)
    {
        if (Object(node, at) is not { } obj) return null;
        var fields = Fields(obj, at, "jwt", "apiKeys", "forwardClaims");
        return new AuthPolicyDefinition
        {
            Name = name,
            Jwt = ReadJwt(fields, at),
            ApiKeys = ReadApiKeys(fields, at),
            ForwardClaims = StringMap(fields, at, "forwardClaims"),
        };
    }

    private JwtAuthDefinition? ReadJwt(Dictionary<string, JsonNode?> fields, string at)
    {
        if (Section(fields, at, "jwt") is not var (inner, sectionAt)) return null;
        var f = Fields(inner, sectionAt, "issuer", "audiences", "jwksFile", "jwksUrl", "hs256SecretEnv", "clockSkew", "jwksRefresh");
        return new JwtAuthDefinition
        {
            Issuer = OptionalString(f, sectionAt, "issuer"),
            Audiences = StringList(f, sectionAt, "audiences"),
            JwksFile = OptionalString(f, sectionAt, "jwksFile"),
            JwksUrl = OptionalString(f, sectionAt, "jwksUrl"),
            Hs256SecretEnv = OptionalString(f, sectionAt, "hs256SecretEnv"),
            ClockSkew = Duration(f, sectionAt, "clockSkew"),
            JwksRefresh = Duration(f, sectionAt, "jwksRefresh"),
        };
    }

    private ApiKeyAuthDefinition? ReadApiKeys(Dictionary<string, JsonNode?> fields, string at)
    {
        if (Section(fields, at, "apiKeys") is not var (inner, sectionAt)) return null;
        var f = Fields(inner, sectionAt, "header", "keys", "hideCredentials");
        var keys = ImmutableArray.CreateBuilder<ApiKeyDefinition>();
        if (f.TryGetValue("keys", out var list) && list is not null)
        {
            var listAt = Path(sectionAt, "keys");
            if (list is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    var keyAt = $"{listAt}[{i}]";
                    if (Object(array[i], keyAt) is not { } keyObj) continue;
                    var k = Fields(keyObj, keyAt, "sha256", "name", "metadata");
                    keys.Add(new ApiKeyDefinition
                    {
                        Sha256 = RequiredString(k, keyAt, "sha256"),
                        Name = RequiredString(k, keyAt, "name"),
                        Metadata = StringMap(k, keyAt, "metadata"),
                    });
                }
            }
            else
            {
                Error(listAt, "must be a list of { sha256, name, metadata }");
            }
        }
        return new ApiKeyAuthDefinition
        {
            Header = OptionalString(f, sectionAt, "header"),
            Keys = keys.ToImmutable(),
            HideCredentials = Boolean(f, sectionAt, "hideCredentials") ?? false,
        };
    }

    private CorsDefinition? ReadCors(Dictionary<string, JsonNode?> fields, string at)
    {
        if (Section(fields, at, "cors") is not var (inner, sectionAt)) return null;
        var f = Fields(inner, sectionAt, "allowedOrigins", "allowedMethods", "allowedHeaders", "exposedHeaders", "allowCredentials", "maxAge");
        return new CorsDefinition
        {
            AllowedOrigins = StringList(f, sectionAt, "allowedOrigins"),
            AllowedMethods = StringList(f, sectionAt, "allowedMethods").Select(m => m.ToUpperInvariant()).ToImmutableArray(),
            AllowedHeaders = StringList(f, sectionAt, "allowedHeaders"),
            ExposedHeaders = StringList(f, sectionAt, "exposedHeaders"),
            AllowCredentials = Boolean(f, sectionAt, "allowCredentials") ?? false,
            MaxAge = Duration(f, sectionAt, "maxAge"),
        };
    }

    private IpRulesDefinition? ReadIpRules(Dictionary<string, JsonNode?> fields, string at)
    {
        if (Section(fields, at, "ipRules") is not var (inner, sectionAt)) return null;
        var f = Fields(inner, sectionAt, "allow", "deny");
        return new IpRulesDefinition { Allow = StringList(f, sectionAt, "allow"), Deny = StringList(f, sectionAt, "deny") };
    }

    // An object whose keys are data (claim names, metadata keys), not fields: kept as written.
    private ImmutableDictionary<string, string> StringMap(Dictionary<string, JsonNode?> fields, string at, string name)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return ImmutableDictionary<string, string>.Empty;
        var mapAt = Path(at, name);
        if (node is not JsonObject obj)
        {
            Error(mapAt, "must be an object of name to string");
            return ImmutableDictionary<string, string>.Empty;
        }
        var result = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (Scalar(value) is { } text) result[key] = text;
            else Error($"{mapAt}.{key}", "must be a string");
        }
        return result.ToImmutable();
    }
}
