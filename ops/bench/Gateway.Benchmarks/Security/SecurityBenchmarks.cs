using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Actors.Security;
using Gateway.Protocol.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Benchmarks.Security;

/// <summary>Per-request cost of the security chain's steps: JWT validation with a cached key, API key, CIDR, origin, traversal guard.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class SecurityBenchmarks
{
    private readonly DefaultHttpContext _rs256 = new();
    private readonly DefaultHttpContext _es256 = new();
    private readonly DefaultHttpContext _hs256 = new();
    private readonly DefaultHttpContext _apiKey = new();
    private JwtAuthenticator _publicKeys = null!;
    private JwtAuthenticator _secret = null!;
    private ApiKeyAuthenticator _keys = null!;
    private IpRuleSet _rules = null!;
    private CorsPolicy _cors = null!;
    private readonly IPAddress _v4 = IPAddress.Parse("10.20.30.40");
    private readonly IPAddress _v6 = IPAddress.Parse("2001:db8:1::5");

    /// <summary>Generates keys, mints one token per algorithm and checks that each is accepted.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rsa = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa" };
        var ec = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec" };
        var hmac = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("a-benchmark-secret-of-32-bytes-or-more"));
        var definition = new JwtAuthDefinition { Issuer = "https://issuer", Audiences = ["api"], JwksFile = "unused" };
        _publicKeys = new JwtAuthenticator("bench", definition, [PublicOf(rsa), PublicOf(ec)], TimeSpan.FromSeconds(30), TimeSpan.FromDays(1),
            TimeProvider.System, NullLogger.Instance);
        _secret = new JwtAuthenticator("bench-hs", definition with { JwksFile = null, Hs256SecretEnv = "X" }, [hmac], TimeSpan.FromSeconds(30),
            TimeSpan.FromDays(1), TimeProvider.System, NullLogger.Instance);
        _rs256.Request.Headers.Authorization = "Bearer " + Mint(rsa, SecurityAlgorithms.RsaSha256);
        _es256.Request.Headers.Authorization = "Bearer " + Mint(ec, SecurityAlgorithms.EcdsaSha256);
        _hs256.Request.Headers.Authorization = "Bearer " + Mint(hmac, SecurityAlgorithms.HmacSha256);

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("key-0123456789abcdef")));
        _keys = new ApiKeyAuthenticator("keys", new ApiKeyAuthDefinition { Keys = [new ApiKeyDefinition { Sha256 = hash, Name = "alice" }] }, "X-Api-Key");
        _apiKey.Request.Headers["X-Api-Key"] = "key-0123456789abcdef";

        _rules = IpRuleSet.Create(new IpRulesDefinition { Allow = ["10.0.0.0/8", "172.16.0.0/12", "2001:db8::/32"], Deny = ["10.9.0.0/16", "192.0.2.0/24"] })!;
        _cors = new CorsPolicy(new CorsDefinition { AllowedOrigins = ["https://app.example.com", "https://*.example.org"] }, []);

        foreach (var (name, outcome) in new[] { ("rs256", Rs256()), ("es256", Es256()), ("hs256", Hs256()), ("api-key", ApiKey()) })
        {
            if (outcome.Identity is null) throw new InvalidOperationException($"{name} token refused: {outcome.Error}");
        }
    }

    /// <summary>Stops the JWKS timers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _publicKeys.Dispose();
        _secret.Dispose();
    }

    [Benchmark]
    public AuthOutcome Rs256() => _publicKeys.AuthenticateAsync(_rs256).GetAwaiter().GetResult();

    [Benchmark]
    public AuthOutcome Es256() => _publicKeys.AuthenticateAsync(_es256).GetAwaiter().GetResult();

    [Benchmark]
    public AuthOutcome Hs256() => _secret.AuthenticateAsync(_hs256).GetAwaiter().GetResult();

    [Benchmark]
    public AuthOutcome ApiKey() => _keys.AuthenticateAsync(_apiKey).GetAwaiter().GetResult();

    [Benchmark]
    public bool CidrIpv4() => _rules.Allows(_v4);

    [Benchmark]
    public bool CidrIpv6() => _rules.Allows(_v6);

    [Benchmark]
    public bool CorsSubdomainOrigin() => _cors.AllowsOrigin("https://shop.example.org");

    [Benchmark]
    public bool PathGuardTypicalPath() => PathGuard.EscapesRoot("/api/v1/users/12345/orders?page=2");

    [Benchmark]
    public bool PathGuardDottedPath() => PathGuard.EscapesRoot("/static/app.v2/./main.min.js");

    private static SecurityKey PublicOf(SecurityKey key) => key switch
    {
        RsaSecurityKey rsa => new RsaSecurityKey(rsa.Rsa.ExportParameters(false)) { KeyId = rsa.KeyId },
        ECDsaSecurityKey ec => new ECDsaSecurityKey(ECDsa.Create(ec.ECDsa.ExportParameters(false))) { KeyId = ec.KeyId },
        _ => key,
    };

    private static string Mint(SecurityKey key, string algorithm) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "https://issuer",
        Audience = "api",
        Expires = DateTime.UtcNow.AddDays(1),
        Subject = new ClaimsIdentity([new Claim("sub", "user-42")]),
        SigningCredentials = new SigningCredentials(key, algorithm),
    });
}
