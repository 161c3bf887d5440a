using System.Collections.Immutable;

namespace Gateway.Protocol.Security;

/// <summary>How a JWT bearer token is validated: who issued it, for whom, with which keys, and how much clock skew is tolerated.</summary>
public sealed record JwtAuthDefinition
{
    /// <summary>Required <c>iss</c>; null accepts any issuer.</summary>
    public string? Issuer { get; init; }

    /// <summary>Accepted <c>aud</c> values; empty accepts any audience.</summary>
    public ImmutableArray<string> Audiences { get; init; } = [];

    /// <summary>Path of a JWKS file (RS256 / ES256 public keys), re-read every <see cref="JwksRefresh"/>.</summary>
    public string? JwksFile { get; init; }

    /// <summary>URL of a JWKS document, fetched every <see cref="JwksRefresh"/>.</summary>
    public string? JwksUrl { get; init; }

    /// <summary>Name of the environment variable holding the HS256 shared secret (the secret itself is never in config or logs).</summary>
    public string? Hs256SecretEnv { get; init; }

    /// <summary>Tolerance for <c>exp</c> and <c>nbf</c>; null uses <c>gateway.auth-defaults.clock-skew</c>.</summary>
    public TimeSpan? ClockSkew { get; init; }

    /// <summary>How often the JWKS is reloaded; null uses <c>gateway.auth-defaults.jwks-refresh</c>.</summary>
    public TimeSpan? JwksRefresh { get; init; }
}
