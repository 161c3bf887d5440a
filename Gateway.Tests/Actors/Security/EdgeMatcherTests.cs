using System.Net;
using Gateway.Actors.Security;
using Gateway.Protocol.Security;
using Xunit;

namespace Gateway.Tests.Actors.Security;

/// <summary>Table-driven checks of the CIDR rules, the CORS origin patterns and the traversal guard.</summary>
public sealed class EdgeMatcherTests
{
    private static readonly IpRuleSet Rules = IpRuleSet.Create(new IpRulesDefinition
    {
        Allow = ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"],
        Deny = ["10.9.0.0/16", "2001:db8:dead::/48"],
    })!;

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("10.9.1.1", false)]            // denied inside the allowed /8: deny wins
    [InlineData("11.0.0.1", false)]            // not in the allow list
    [InlineData("192.0.2.7", true)]            // a single address
    [InlineData("192.0.2.8", false)]
    [InlineData("::ffff:10.1.2.3", true)]      // IPv4-mapped IPv6 counts as IPv4
    [InlineData("2001:db8:1::5", true)]
    [InlineData("2001:db8:dead::5", false)]
    [InlineData("2001:db9::1", false)]
    public void IpRuleSet_AllowsAndDenies(string address, bool allowed) =>
        Assert.Equal(allowed, Rules.Allows(IPAddress.Parse(address)));

    [Fact]
    public void IpRuleSet_Combined_PassesOnlyWhatBothPass()
    {
        var global = IpRuleSet.Create(new IpRulesDefinition { Deny = ["10.1.0.0/16"] });
        var combined = IpRuleSet.Combine(global, Rules)!;
        Assert.False(combined.Allows(IPAddress.Parse("10.1.2.3")));
        Assert.True(combined.Allows(IPAddress.Parse("10.2.2.3")));
        Assert.Null(IpRuleSet.Create(new IpRulesDefinition()));
    }

    [Theory]
    [InlineData("https://app.example.com", true)]
    [InlineData("HTTPS://APP.EXAMPLE.COM", true)]
    [InlineData("https://a.example.org", true)]
    [InlineData("https://a.b.example.org", true)]
    [InlineData("https://example.org", false)]          // the pattern wants a subdomain
    [InlineData("http://a.example.org", false)]         // scheme differs
    [InlineData("https://a.example.org.evil.com", false)]
    [InlineData("https://evilexample.org", false)]
    [InlineData("https://a.example.org:8443", false)]   // port differs
    [InlineData("https://x.example.net:8443", true)]
    [InlineData("https://app.example.com.evil", false)]
    [InlineData("null", false)]
    public void Cors_OriginPatterns(string origin, bool allowed)
    {
        var cors = new CorsPolicy(new CorsDefinition
        {
            AllowedOrigins = ["https://app.example.com", "https://*.example.org", "https://*.example.net:8443"],
        }, []);
        Assert.Equal(allowed, cors.AllowsOrigin(origin));
    }

    [Fact]
    public void Cors_Star_AllowsAnyOrigin()
    {
        var cors = new CorsPolicy(new CorsDefinition { AllowedOrigins = ["*"] }, []);
        Assert.True(cors.AllowsOrigin("https://anything.test"));
    }

    [Theory]
    [InlineData("/a/b", false)]
    [InlineData("/a/b.json?x=../../..", false)]
    [InlineData("/a/../b", false)]
    [InlineData("/a/./../b", false)]
    [InlineData("/../b", true)]
    [InlineData("/a/../../b", true)]
    [InlineData("/%2e%2e/b", true)]
    [InlineData("/a/%2E%2e/%2e./b", true)]
    [InlineData("/a/...", false)]
    [InlineData("/a/%2e%2e%2e/b", false)]
    [InlineData("/a//../../b", true)]
    public void PathGuard_FindsClimbsAboveTheRoot(string target, bool escapes) =>
        Assert.Equal(escapes, PathGuard.EscapesRoot(target));
}
