using Akka.Configuration;

namespace Gateway.Node.Tls;

/// <summary>Ingress TLS termination, read from <c>gateway.ingress.tls</c>: an HTTPS port with a certificate from PEM files.</summary>
public sealed record TlsSettings(int Port, string CertificatePath, string KeyPath, bool Http2, TimeSpan ReloadCheckInterval)
{
    /// <summary>True when a certificate is configured: the node listens for HTTPS on <see cref="Port"/>.</summary>
    public bool Enabled => CertificatePath.Length > 0;

    /// <summary>Reads the settings; paths are made absolute against the working directory.</summary>
    /// <exception cref="ConfigurationException">A value is invalid, or no ingress listener would be left.</exception>
    public static TlsSettings FromConfig(Config config)
    {
        var tls = config.GetConfig("gateway.ingress.tls");
        var certificate = tls.GetString("certificate") ?? "";
        var key = tls.GetString("key") ?? "";
        var settings = new TlsSettings(
            tls.GetInt("port"),
            certificate.Length == 0 ? "" : Path.GetFullPath(certificate),
            key.Length == 0 ? "" : Path.GetFullPath(key),
            Gateway.Actors.ConfigValues.Flag(tls, "gateway.ingress.tls", "http2"),
            tls.GetTimeSpan("reload-check-interval"));

        if (key.Length > 0 && !settings.Enabled)
            throw new ConfigurationException("gateway.ingress.tls.key: set, but gateway.ingress.tls.certificate is empty");
        if (settings.Enabled && settings.Port is < 1 or > 65535)
            throw new ConfigurationException($"gateway.ingress.tls.port: {settings.Port} is not a TCP port");
        if (settings.Enabled && settings.Port == config.GetInt("gateway.ingress.port"))
            throw new ConfigurationException($"gateway.ingress.tls.port: {settings.Port} is also gateway.ingress.port; HTTPS needs its own port (set gateway.ingress.port = 0 for HTTPS only)");
        if (!settings.Enabled && config.GetInt("gateway.ingress.port") == 0)
            throw new ConfigurationException("gateway.ingress.port: 0 turns plain HTTP off, which needs gateway.ingress.tls.certificate for an HTTPS listener");
        if (settings.ReloadCheckInterval <= TimeSpan.Zero)
            throw new ConfigurationException("gateway.ingress.tls.reload-check-interval: must be positive");
        return settings;
    }
}
