using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Actors.Security;

/// <summary>Keys generated per test run and tokens minted with them: HS256, RS256 and ES256, plus their JWKS.</summary>
public sealed class TestTokens
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "partner-api";
    public const string Secret = "a-test-secret-of-at-least-32-bytes!!";

    public RsaSecurityKey Rsa { get; } = new(RSA.Create(2048)) { KeyId = "rsa-" + Guid.NewGuid().ToString("N")[..8] };

    public ECDsaSecurityKey Ec { get; } = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-" + Guid.NewGuid().ToString("N")[..8] };

    public static SymmetricSecurityKey Hmac { get; } = new(System.Text.Encoding.UTF8.GetBytes(Secret));

    /// <summary>A token signed with <paramref name="key"/> (algorithm from the key type).</summary>
    public static string Mint(SecurityKey key, string issuer = Issuer, string audience = Audience, DateTime? expires = null,
        IDictionary<string, object>? claims = null, DateTime? notBefore = null)
    {
        var algorithm = key switch
        {
            RsaSecurityKey => SecurityAlgorithms.RsaSha256,
            ECDsaSecurityKey => SecurityAlgorithms.EcdsaSha256,
            _ => SecurityAlgorithms.HmacSha256,
        };
        var now = DateTime.UtcNow;
        var exp = expires ?? now.AddMinutes(5);
        var nbf = notBefore ?? (exp < now ? exp.AddMinutes(-10) : now.AddMinutes(-1));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = nbf,
            NotBefore = nbf,
            Expires = exp,
            Subject = new ClaimsIdentity([new Claim("sub", "user-42")]),
            Claims = claims ?? new Dictionary<string, object> { ["tier"] = "gold" },
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    /// <summary>The JWKS (public parts only) of the given keys.</summary>
    public static string Jwks(params SecurityKey[] keys)
    {
        var list = new JsonArray();
        foreach (var key in keys)
        {
            switch (key)
            {
                case RsaSecurityKey rsa:
                    var p = rsa.Rsa.ExportParameters(false);
                    list.Add(new JsonObject { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = rsa.KeyId, ["alg"] = "RS256",
                        ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) });
                    break;
                case ECDsaSecurityKey ec:
                    var q = ec.ECDsa.ExportParameters(false).Q;
                    list.Add(new JsonObject { ["kty"] = "EC", ["use"] = "sig", ["kid"] = ec.KeyId, ["alg"] = "ES256", ["crv"] = "P-256",
                        ["x"] = Base64UrlEncoder.Encode(q.X), ["y"] = Base64UrlEncoder.Encode(q.Y) });
                    break;
            }
        }
        return new JsonObject { ["keys"] = list }.ToJsonString();
    }
}
