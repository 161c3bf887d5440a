using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Gateway.Actors.Ops;
using Gateway.Tests.EndToEnd;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Gateway.Tests.Node.Tls;

/// <summary>HTTPS on the ingress: a certificate from PEM files, HTTP/2 by ALPN, and a renewed certificate served without a restart.</summary>
[Trait("Category", "EndToEnd")]
public sealed class IngressTlsTests : IDisposable
{
    private static readonly TimeSpan ReloadWithin = TimeSpan.FromSeconds(10);
    private readonly HashSet<string> _trusted = [];
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-tls-");
    private string CertificatePath => Path.Combine(_dir.FullName, "tls.crt");
    private string KeyPath => Path.Combine(_dir.FullName, "tls.key");

    [Fact]
    public async Task Https_NegotiatesHttp2_ForwardsWithProtoHttps_AndServesARenewedCertificateWithinTheWait()
    {
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        using var first = Trust(TestCertificates.Create("first"));
        TestCertificates.WritePem(first, CertificatePath, KeyPath);
        var port = FreePort.Next();
        await using var gateway = await TestGateway.StartAsync($$"""
            ingress.tls { port = {{port}}, certificate = "{{Hocon(CertificatePath)}}", key = "{{Hocon(KeyPath)}}", reload-check-interval = 1s }
            upstreams = [ { name = u, endpoints = [ "{{upstream.Url}}" ] } ]
            routes = [ { id = r, path = "/{**rest}", upstream = u } ]
            """);

        var (version, thumbprint, body) = await GetAsync(port, HttpVersion.Version20);
        Assert.Equal(HttpVersion.Version20, version);
        Assert.Equal(first.Thumbprint, thumbprint);
        using (var echo = JsonDocument.Parse(body))
            Assert.Equal("https", echo.RootElement.GetProperty("headers").GetProperty("X-Forwarded-Proto").GetString());
        Assert.Equal(HttpVersion.Version11, (await GetAsync(port, HttpVersion.Version11)).Version);

        // Renewal: key and certificate replaced one after the other, as a tool writing files would.
        using var second = Trust(TestCertificates.Create("second"));
        TestCertificates.WritePem(second, CertificatePath, KeyPath);
        var deadline = DateTime.UtcNow + ReloadWithin;
        while ((await GetAsync(port, HttpVersion.Version20)).Thumbprint != second.Thumbprint)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the renewed certificate was not served within {ReloadWithin}");
            await Task.Delay(100);
        }

        // A broken file is refused with an error; the renewed certificate keeps serving.
        await File.WriteAllTextAsync(CertificatePath, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
        var logs = gateway.Services.GetRequiredService<LogBuffer>();
        deadline = DateTime.UtcNow + ReloadWithin;
        while (!logs.Peek(200).Any(e => e.Message.Contains("do not load, the previous certificate stays")))
        {
            Assert.True(DateTime.UtcNow < deadline, "no error was logged for the broken certificate file");
            await Task.Delay(100);
        }
        Assert.Equal(second.Thumbprint, (await GetAsync(port, HttpVersion.Version20)).Thumbprint);
    }

    [Fact]
    public async Task HttpsOnly_WithHttp2Off_ServesHttp11_AndNoPlainHttp()
    {
        await using var upstream = await TestUpstream.StartAsync(ScriptedUpstream.HandleAsync);
        using var certificate = Trust(TestCertificates.Create());
        TestCertificates.WritePem(certificate, CertificatePath, KeyPath);
        var port = FreePort.Next();
        await using var gateway = await TestGateway.StartAsync($$"""
            ingress.port = 0
            ingress.tls { port = {{port}}, certificate = "{{Hocon(CertificatePath)}}", key = "{{Hocon(KeyPath)}}", http2 = off }
            upstreams = [ { name = u, endpoints = [ "{{upstream.Url}}" ] } ]
            routes = [ { id = r, path = "/{**rest}", upstream = u } ]
            """);

        var (version, thumbprint, _) = await GetAsync(port, HttpVersion.Version20);
        Assert.Equal(HttpVersion.Version11, version); // ALPN offered only http/1.1
        Assert.Equal(certificate.Thumbprint, thumbprint);
        await Assert.ThrowsAsync<HttpRequestException>(() => gateway.Client.GetAsync("/x"));
    }

    [Fact]
    public async Task MissingCertificateFile_StopsTheNodeBeforeItListens()
    {
        var error = await Assert.ThrowsAsync<Akka.Configuration.ConfigurationException>(() => TestGateway.StartAsync($$"""
            ingress.tls { port = {{FreePort.Next()}}, certificate = "{{Hocon(CertificatePath)}}" }
            """));
        Assert.Contains("gateway.ingress.tls: cannot load the certificate from", error.Message);
    }

    // A new connection per request (a new TLS handshake), trusting only the thumbprints of the certificates this test made.
    private async Task<(Version Version, string? Thumbprint, string Body)> GetAsync(int port, Version version)
    {
        string? seen = null;
        using var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            seen = certificate is null ? null : new X509Certificate2(certificate).Thumbprint;
            return seen is not null && _trusted.Contains(seen);
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://127.0.0.1:{port}/echo")
        {
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.Version, seen, await response.Content.ReadAsStringAsync());
    }

    private X509Certificate2 Trust(X509Certificate2 certificate)
    {
        _trusted.Add(certificate.Thumbprint);
        return certificate;
    }

    private static string Hocon(string path) => path.Replace("\\", "/");

    public void Dispose() => _dir.Delete(recursive: true);
}
