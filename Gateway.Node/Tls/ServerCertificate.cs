using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Node.Tls;

/// <summary>
/// The ingress certificate, loaded from PEM files and swapped atomically when they change; each TLS handshake reads the
/// current one, so a renewed certificate serves new connections without a restart while open ones keep theirs.
/// </summary>
public sealed class ServerCertificate
{
    private readonly TlsSettings _settings;
    private Loaded _current;
    private byte[] _tried;

    private ServerCertificate(TlsSettings settings, Loaded loaded)
    {
        _settings = settings;
        _current = loaded;
        _tried = loaded.Fingerprint;
    }

    /// <summary>The certificate served now (the leaf, with its private key).</summary>
    public X509Certificate2 Certificate => Volatile.Read(ref _current).Leaf;

    /// <summary>The leaf and its intermediates as SslStream sends them.</summary>
    public SslStreamCertificateContext Context => Volatile.Read(ref _current).Context;

    /// <summary>Loads the files of <paramref name="settings"/>.</summary>
    /// <exception cref="Akka.Configuration.ConfigurationException">The files cannot be read or do not hold a certificate and its key.</exception>
    public static ServerCertificate Load(TlsSettings settings)
    {
        try
        {
            return new ServerCertificate(settings, Read(settings));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new Akka.Configuration.ConfigurationException(
                $"gateway.ingress.tls: cannot load the certificate from {settings.CertificatePath}{(settings.KeyPath.Length > 0 ? " and " + settings.KeyPath : "")}: {ex.Message}");
        }
    }

    /// <summary>
    /// Reloads the files when their content changed since the last attempt. Returns true when a new certificate now
    /// serves; false when nothing changed; throws when the new content does not load (the old certificate stays, and the
    /// same content is not tried again: a certificate and key replaced one after the other load once both are there).
    /// </summary>
    public bool ReloadIfChanged()
    {
        var fingerprint = Fingerprint(_settings);
        if (CryptographicOperations.FixedTimeEquals(fingerprint, _tried)) return false;
        _tried = fingerprint;
        var loaded = Read(_settings);
        Volatile.Write(ref _current, loaded);
        return true;
    }

    private static Loaded Read(TlsSettings settings)
    {
        var fingerprint = Fingerprint(settings);
        var leaf = X509Certificate2.CreateFromPemFile(settings.CertificatePath, settings.KeyPath.Length > 0 ? settings.KeyPath : null);
        if (!leaf.HasPrivateKey) throw new CryptographicException("the certificate has no private key");
        if (OperatingSystem.IsWindows())
        {
            // SChannel cannot use the ephemeral key of a PEM import; a PKCS#12 round trip gives it a usable one.
            leaf = X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), null);
        }
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(settings.CertificatePath);
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in all)
        {
            if (certificate.Thumbprint != leaf.Thumbprint) intermediates.Add(certificate);
        }
        return new Loaded(leaf, SslStreamCertificateContext.Create(leaf, intermediates, offline: true), fingerprint);
    }

    // What the files hold now: a hash of both, so a rewrite with the same bytes (touch) is no change.
    private static byte[] Fingerprint(TlsSettings settings)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(settings.CertificatePath));
        if (settings.KeyPath.Length > 0) hash.AppendData(File.ReadAllBytes(settings.KeyPath));
        return hash.GetHashAndReset();
    }

    private sealed record Loaded(X509Certificate2 Leaf, SslStreamCertificateContext Context, byte[] Fingerprint);
}
