using System.Security.Cryptography;
using System.Text;
using Gateway.Tests.Actors.Security;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gateway.Tests.EndToEnd.Security;

/// <summary>One gateway with JWT (JWKS file, refreshed every 300 ms; HS256) and API key policies, and a CORS route.</summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    private const string SecretVariable = "GATEWAY_TEST_HS256_SECRET";
    private int _upstreamHits;

    /// <summary>Keys of this run; the JWKS file starts with <see cref="TestTokens.Rsa"/> and <see cref="TestTokens.Ec"/>.</summary>
    public TestTokens Keys { get; } = new();

    /// <summary>The JWKS file the jwt policy reads.</summary>
    public string JwksFile { get; } = Path.Combine(Path.GetTempPath(), $"gateway-jwks-{Guid.NewGuid():N}.json");

    public TestUpstream Upstream { get; private set; } = null!;

    public TestGateway Gateway { get; private set; } = null!;

    /// <summary>Requests that reached the upstream so far.</summary>
    public int UpstreamHits => Volatile.Read(ref _upstreamHits);

    public async Task InitializeAsync()
    {
        File.WriteAllText(JwksFile, TestTokens.Jwks(Keys.Rsa, Keys.Ec));
        Environment.SetEnvironmentVariable(SecretVariable, TestTokens.Secret);
        Upstream = await TestUpstream.StartAsync(context =>
        {
            Interlocked.Increment(ref _upstreamHits);
            return ScriptedUpstream.HandleAsync(context);
        });
        Gateway = await TestGateway.StartAsync($$"""
            auth {
              partner-jwt {
                jwt { issuer = "{{TestTokens.Issuer}}", audiences = ["{{TestTokens.Audience}}"], jwks-file = "{{JwksFile.Replace("\\", "/")}}", jwks-refresh = 300ms }
                forward-claims { sub = X-Gateway-User, tier = X-Gateway-Tier }
              }
              shared-secret {
                jwt { issuer = "{{TestTokens.Issuer}}", hs256-secret-env = {{SecretVariable}} }
              }
              partner-keys {
                api-keys { keys = [ { sha256 = "{{Sha256("key-alice")}}", name = alice, metadata { tier = gold } }, { sha256 = "{{Sha256("key-bob")}}", name = bob } ] }
                forward-claims { name = X-Gateway-Client, tier = X-Gateway-Tier }
              }
            }
            upstreams = [ { name = u, endpoints = [ "{{Upstream.Url}}" ] } ]
            routes = [
              { id = jwt, path = "/jwt/{**rest}", upstream = u, auth = partner-jwt, rewrite { strip-prefix = "/jwt" } }
              { id = hs, path = "/hs/{**rest}", upstream = u, auth = shared-secret }
              {
                id = keys, path = "/keys/{**rest}", upstream = u, auth = partner-keys, rewrite { strip-prefix = "/keys" }
                rate-limit { key = api-key, limit = 2, period = 60s }
              }
              {
                id = cors, path = "/cors/{**rest}", methods = [GET, POST], upstream = u, rewrite { strip-prefix = "/cors" }
                cors {
                  allowed-origins = ["https://app.example.com", "https://*.example.org"]
                  allowed-headers = [Content-Type, Authorization]
                  exposed-headers = [X-Upstream]
                  allow-credentials = true
                  max-age = 10m
                }
              }
            ]
            """);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
        File.Delete(JwksFile);
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="key"/>, as an operator stores it.</summary>
    public static string Sha256(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
