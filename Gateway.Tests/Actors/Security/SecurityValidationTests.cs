using Akka.Configuration;
using Gateway.Actors.RateLimiting;
using Gateway.Actors.Security;
using Gateway.Node.Configuration;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Gateway.Tests.Actors.Security;

/// <summary>Invalid security config is refused with every error named by its field.</summary>
public sealed class SecurityValidationTests
{
    private static IReadOnlyList<string> RouteErrors(string route)
    {
        var config = ConfigurationFactory.ParseString($$"""
            gateway {
              upstreams = [ { name = u, endpoints = [ "http://127.0.0.1:1" ] } ]
              routes = [ {{route}} ]
            }
            """);
        return GatewayDefinitions.FromConfig(config).Errors.Select(e => e.ToString()).ToList();
    }

    [Fact]
    public void Route_BadCidrOriginAndRateLimitKey_AreEachNamed()
    {
        var errors = RouteErrors("""
            { id = r, path = "/r", upstream = u, auth = "bad name!"
              rate-limit { key = "claim:", limit = 1 }
              ip-rules { allow = ["10.0.0.1/8", "10.0.0.0/33", "nonsense"], deny = ["2001:db8::/32"] }
              cors { allowed-origins = ["https://app.example.com/path", "*"], allow-credentials = true, allowed-headers = ["bad header"] } }
            """);
        Assert.Contains(errors, e => e.StartsWith("gateway.routes[0].ip-rules.allow[0]:"));
        Assert.Contains(errors, e => e.StartsWith("gateway.routes[0].ip-rules.allow[1]:"));
        Assert.Contains(errors, e => e.StartsWith("gateway.routes[0].ip-rules.allow[2]:"));
        Assert.DoesNotContain(errors, e => e.Contains("ip-rules.deny"));
        Assert.Contains(errors, e => e.StartsWith("gateway.routes[0].cors.allowed-origins[0]:"));
        Assert.Contains(errors, e => e.StartsWith("gateway.routes[0].cors.allowed-origins[1]:") && e.Contains("allow-credentials"));
        Assert.Contains(errors, e => e.StartsWith("gateway.routes[0].cors.allowed-headers[0]:"));
        Assert.Contains(errors, e => e.StartsWith("gateway.routes[0].auth:"));
        Assert.Contains(errors, e => e.StartsWith("gateway.routes[0].rate-limit.key:"));
    }

    [Fact]
    public void Route_ValidSecurity_HasNoErrors() => Assert.Empty(RouteErrors("""
        { id = r, path = "/r", upstream = u, auth = partner, rate-limit { key = "claim:sub", limit = 1 }
          ip-rules { allow = ["10.0.0.0/8", "2001:db8::/32", "192.0.2.1"] }
          cors { allowed-origins = ["https://*.example.com"], max-age = 10m } }
        """));

    [Fact]
    public void ApiKeys_HideCredentials_IsReadAsABoolean_OffByDefault()
    {
        var config = ConfigurationFactory.ParseString($$"""
            gateway.auth {
              hidden { api-keys { hide-credentials = on, keys = [ { sha256 = "{{new string('a', 64)}}", name = x } ] } }
              shown { api-keys { keys = [ { sha256 = "{{new string('b', 64)}}", name = y } ] } }
              bad { api-keys { hide-credentials = sometimes, keys = [ { sha256 = "{{new string('c', 64)}}", name = z } ] } }
            }
            """);
        var (policies, errors) = AuthPolicies.FromConfig(config);
        Assert.True(policies.Single(p => p.Name == "hidden").ApiKeys!.HideCredentials);
        Assert.False(policies.Single(p => p.Name == "shown").ApiKeys!.HideCredentials);
        Assert.Contains(errors.Select(e => e.ToString()), e => e.StartsWith("gateway.auth.bad.api-keys.hide-credentials:"));
    }

    [Fact]
    public void AuthPolicies_ShapeErrors_AndUnknownReferences_AreNamed()
    {
        var config = ConfigurationFactory.ParseString("""
            gateway.auth {
              both {
                jwt { hs256-secret-env = S }
                api-keys { keys = [ { sha256 = abc, name = x } ] }
              }
              none { jwt { issuer = i } }
              keys { api-keys { header = "bad header", keys = [ { sha256 = "zz", name = x } ] } }
            }
            """);
        var (policies, errors) = AuthPolicies.FromConfig(config);
        var texts = errors.Select(e => e.ToString()).ToList();
        Assert.Contains(texts, e => e.StartsWith("gateway.auth.both:") && e.Contains("exactly one of jwt"));
        Assert.Contains(texts, e => e.StartsWith("gateway.auth.none.jwt:") && e.Contains("key source"));
        Assert.Contains(texts, e => e.StartsWith("gateway.auth.keys.api-keys.header:"));
        Assert.Contains(texts, e => e.StartsWith("gateway.auth.keys.api-keys.keys[0].sha256:"));

        var routes = new[] { new Gateway.Protocol.Routing.RouteDefinition { Id = "r", Path = "/", Upstream = "u", Auth = "missing" } };
        var reference = Assert.Single(AuthPolicies.CheckReferences(routes, policies.Select(p => p.Name).Contains));
        Assert.Equal("auth", reference.Field);
    }

    [Fact]
    public void NodeSecurity_BadJwksFileOrUnsetSecret_FailsAtStart_NamingTheField()
    {
        var jwks = Path.GetTempFileName();
        File.WriteAllText(jwks, "{ not json");
        try
        {
            var config = ConfigurationFactory.ParseString($$"""
                gateway.auth {
                  files { jwt { jwks-file = "{{jwks.Replace("\\", "/")}}" } }
                  secret { jwt { hs256-secret-env = GATEWAY_TEST_UNSET_{{Guid.NewGuid():N}} } }
                }
                """).WithFallback(NodeConfigLoader.Defaults);
            var settings = SecuritySettings.FromConfig(config);
            var ex = Assert.Throws<ConfigurationException>(() =>
                new NodeSecurity(settings, new ClientAddressResolver([]), NullLoggerFactory.Instance));
            Assert.Contains("gateway.auth.files.jwt.jwks-file", ex.Message);
            Assert.Contains("gateway.auth.secret.jwt.hs256-secret-env", ex.Message);
        }
        finally
        {
            File.Delete(jwks);
        }
    }

    [Fact]
    public void SecuritySettings_Defaults_AndBadGlobalRules()
    {
        var defaults = SecuritySettings.FromConfig(NodeConfigLoader.Defaults);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.ClockSkew);
        Assert.Equal(TimeSpan.FromMinutes(5), defaults.JwksRefresh);
        Assert.Equal("X-Api-Key", defaults.ApiKeyHeader);
        Assert.Empty(defaults.StripRequestHeaders);
        Assert.Empty(defaults.Policies);

        var bad = ConfigurationFactory.ParseString("""gateway.ip-rules.deny = ["300.1.1.1"]""").WithFallback(NodeConfigLoader.Defaults);
        var ex = Assert.Throws<ConfigurationException>(() => SecuritySettings.FromConfig(bad));
        Assert.Contains("gateway.ip-rules.deny[0]", ex.Message);
    }
}
