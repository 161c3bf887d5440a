using Akka.Configuration;
using Gateway.Node.Configuration;
using Gateway.Node.Hosting;
using Gateway.Protocol.Configuration;
using Xunit;

namespace Gateway.Tests.Node;

/// <summary>A node whose routes name missing auth policies does not start; the sample config with its policies is valid.</summary>
public sealed class SecurityStartupTests
{
    [Fact]
    public void Build_RouteNamingAnUnknownAuthPolicy_Throws_NamingTheField()
    {
        var config = ConfigurationFactory.ParseString("""
            gateway {
              upstreams = [ { name = u, endpoints = [ "http://127.0.0.1:1" ] } ]
              routes = [ { id = r, path = "/r", upstream = u, auth = nope } ]
            }
            """).WithFallback(NodeConfigLoader.Defaults);
        var ex = Assert.Throws<ConfigurationException>(() => NodeHost.Build(config));
        Assert.Contains("gateway.routes[0].auth: auth policy 'nope' does not exist", ex.Message);
    }

    [Fact]
    public void RoutesSample_WithSecuritySections_IsValid()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "hocon", "routes.sample.conf");
        // The node puts the sample echo port in front of a --config file, which the sample's upstreams refer to.
        var config = ConfigurationFactory.ParseString("gateway.sample.echo-port = 8070\n" + File.ReadAllText(path)).WithFallback(NodeConfigLoader.Defaults);
        Assert.Empty(GatewayDefinitions.FromConfig(config).Errors);
        var security = Gateway.Actors.Security.SecuritySettings.FromConfig(config);
        Assert.Equal("sample-keys", Assert.Single(security.Policies).Name);
    }
}
