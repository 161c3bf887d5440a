using Akka.Configuration;
using Gateway.Node.Configuration;
using Gateway.Node.Tls;
using Xunit;

namespace Gateway.Tests.Node.Tls;

public sealed class TlsSettingsTests
{
    private static Config With(string hocon) => ConfigurationFactory.ParseString(hocon).WithFallback(NodeConfigLoader.Defaults);

    [Fact]
    public void Defaults_TlsOff_Port8443_Http2On()
    {
        var ingress = TlsSettings.FromConfig(NodeConfigLoader.Defaults);
        Assert.Equal((false, 8443, true, TimeSpan.FromSeconds(10)), (ingress.Enabled, ingress.Port, ingress.Http2, ingress.ReloadCheckInterval));
        Assert.False(ClusterTlsSettings.FromConfig(NodeConfigLoader.Defaults).Enabled);
    }

    [Fact]
    public void Overrides_Win_PathsBecomeAbsolute()
    {
        var ingress = TlsSettings.FromConfig(With("gateway.ingress.tls { port = 9443, certificate = tls.crt, http2 = off }"));
        Assert.Equal((true, 9443, false), (ingress.Enabled, ingress.Port, ingress.Http2));
        Assert.Equal(Path.GetFullPath("tls.crt"), ingress.CertificatePath);

        var cluster = ClusterTlsSettings.FromConfig(With("gateway.cluster-tls { certificate = n.crt, trusted-thumbprints = [ \"ab:cd\" ] }"));
        Assert.True(cluster.Enabled);
        Assert.Equal(["ABCD"], cluster.TrustedThumbprints.ToArray());
    }

    [Theory]
    [InlineData("gateway.ingress.port = 0", "gateway.ingress.port: 0 turns plain HTTP off")]
    [InlineData("gateway.ingress.tls { certificate = a.crt, port = 8080 }", "gateway.ingress.tls.port: 8080 is also gateway.ingress.port")]
    [InlineData("gateway.ingress.tls.key = a.key", "gateway.ingress.tls.key: set, but")]
    public void Invalid_IngressTls_NamesTheKey(string hocon, string message) =>
        Assert.Contains(message, Assert.Throws<ConfigurationException>(() => TlsSettings.FromConfig(With(hocon))).Message);

    [Fact]
    public void ClusterTls_TrustWithoutCertificate_IsRefused() =>
        Assert.Contains("gateway.cluster-tls.certificate: required",
            Assert.Throws<ConfigurationException>(() => ClusterTlsSettings.FromConfig(With("gateway.cluster-tls.ca = ca.crt"))).Message);
}
