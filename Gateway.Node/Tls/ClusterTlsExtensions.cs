using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Akka.Remote.Transport.DotNetty;

namespace Gateway.Node.Tls;

/// <summary>Akka.Hosting registration of TLS between the nodes: DotNetty's SSL with this node's PEM certificate and our peer check.</summary>
public static class ClusterTlsExtensions
{
    /// <summary>
    /// DotNetty's SSL setup for <paramref name="settings"/>, or null when cluster TLS is off: this node's certificate,
    /// presented both ways (mutual TLS). A peer is accepted when its certificate's thumbprint is listed, or else when it
    /// chains to the configured CA (or, without one, to the machine's trusted roots); host names are not checked, since
    /// node certificates name nodes, not the addresses they are dialled at.
    /// </summary>
    /// <exception cref="ConfigurationException">The certificate, key or CA files do not load.</exception>
    public static DotNettySslSetup? CreateSetup(ClusterTlsSettings settings)
    {
        if (!settings.Enabled) return null;
        X509Certificate2 certificate;
        X509Certificate2Collection ca = [];
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(settings.CertificatePath, settings.KeyPath.Length > 0 ? settings.KeyPath : null);
            if (OperatingSystem.IsWindows()) certificate = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
            if (settings.CaPath.Length > 0) ca.ImportFromPemFile(settings.CaPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new ConfigurationException($"gateway.cluster-tls: cannot load {settings.CertificatePath}: {ex.Message}");
        }
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true,
            customValidator: (peer, _, remote, _, log) => Accept(peer, remote, settings, ca, log));
    }

    /// <summary>Turns on <c>akka.remote.dot-netty.tcp.enable-ssl</c> with <paramref name="setup"/> (addresses become <c>akka.ssl.tcp://</c>); nothing when null.</summary>
    public static AkkaConfigurationBuilder AddClusterTls(this AkkaConfigurationBuilder builder, DotNettySslSetup? setup) =>
        setup is null ? builder : builder.AddHocon("akka.remote.dot-netty.tcp.enable-ssl = on", HoconAddMode.Prepend).AddSetup(setup);

    private static bool Accept(X509Certificate2? peer, string remote, ClusterTlsSettings settings, X509Certificate2Collection ca, ILoggingAdapter log)
    {
        if (peer is null)
        {
            log.Warning("Refused a TLS connection with {Remote}: no certificate", remote);
            return false;
        }
        if (settings.TrustedThumbprints.Length > 0)
        {
            if (settings.TrustedThumbprints.Contains(peer.Thumbprint)) return true;
            log.Warning("Refused a TLS connection with {Remote}: certificate {Subject} ({Thumbprint}) is not in gateway.cluster-tls.trusted-thumbprints", remote, peer.Subject, peer.Thumbprint);
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (ca.Count > 0)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        }
        if (chain.Build(peer)) return true;
        log.Warning("Refused a TLS connection with {Remote}: certificate {Subject} does not chain to the trusted CA: {Status}", remote, peer.Subject,
            string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation.Trim())));
        return false;
    }
}
