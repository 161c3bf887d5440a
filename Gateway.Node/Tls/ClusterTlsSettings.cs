using System.Collections.Immutable;
using Akka.Configuration;

namespace Gateway.Node.Tls;

/// <summary>
/// TLS between the nodes (Akka.Remote over DotNetty), read from <c>gateway.cluster-tls</c>: this node's certificate from
/// PEM files, and which peer certificates it accepts (those chaining to <see cref="CaPath"/>, or pinned thumbprints).
/// </summary>
public sealed record ClusterTlsSettings(string CertificatePath, string KeyPath, string CaPath, ImmutableArray<string> TrustedThumbprints)
{
    /// <summary>True when a certificate is configured: every remote connection is TLS with mutual authentication.</summary>
    public bool Enabled => CertificatePath.Length > 0;

    /// <summary>Reads the settings; paths are made absolute against the working directory.</summary>
    /// <exception cref="ConfigurationException">A key or trust setting without a certificate.</exception>
    public static ClusterTlsSettings FromConfig(Config config)
    {
        var tls = config.GetConfig("gateway.cluster-tls");
        static string Full(string? path) => string.IsNullOrEmpty(path) ? "" : Path.GetFullPath(path);
        var settings = new ClusterTlsSettings(
            Full(tls.GetString("certificate")),
            Full(tls.GetString("key")),
            Full(tls.GetString("ca")),
            [.. tls.GetStringList("trusted-thumbprints").Select(t => t.Replace(":", "").Trim().ToUpperInvariant())]);
        if (!settings.Enabled && (settings.KeyPath.Length > 0 || settings.CaPath.Length > 0 || settings.TrustedThumbprints.Length > 0))
            throw new ConfigurationException("gateway.cluster-tls.certificate: required when key, ca or trusted-thumbprints is set");
        return settings;
    }
}
