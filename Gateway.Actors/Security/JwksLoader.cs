using Microsoft.IdentityModel.Tokens;

namespace Gateway.Actors.Security;

/// <summary>Reads a JWKS document (file or URL) into the signing keys of a policy.</summary>
internal static class JwksLoader
{
    /// <summary>The signing keys of the JWKS text <paramref name="json"/>.</summary>
    /// <exception cref="ArgumentException">The text is not a JWKS, or holds no usable RSA or EC signing key.</exception>
    public static IReadOnlyList<SecurityKey> Parse(string json)
    {
        var set = new JsonWebKeySet(json);
        // RSA keys come back converted; EC keys stay JsonWebKeys, which the crypto provider factory verifies with directly.
        var keys = set.GetSigningKeys().ToList();
        foreach (var key in set.Keys)
        {
            if (key.Kty == JsonWebAlgorithmsKeyTypes.EllipticCurve && key.Use is null or "sig" && !keys.Any(k => k.KeyId == key.KeyId && key.KeyId is not null))
                keys.Add(key);
        }
        return keys.Count > 0 ? keys : throw new ArgumentException("the JWKS holds no RSA or EC signing key");
    }

    /// <summary>Reads and parses the JWKS file at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="ArgumentException">It is not a usable JWKS.</exception>
    public static IReadOnlyList<SecurityKey> ReadFile(string path) => Parse(File.ReadAllText(path));

    /// <summary>Fetches and parses the JWKS at <paramref name="url"/>.</summary>
    public static async Task<IReadOnlyList<SecurityKey>> FetchAsync(HttpClient client, string url, CancellationToken cancel) =>
        Parse(await client.GetStringAsync(url, cancel).ConfigureAwait(false));
}
