using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Gateway.Protocol.Security;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Security;

/// <summary>
/// API keys checked by their SHA-256: the gateway stores only hashes, hashes what the client sends and looks it up
/// (a hash lookup leaks nothing about the stored keys through timing). No allocation per request for keys up to 256 bytes.
/// </summary>
internal sealed class ApiKeyAuthenticator : RouteAuthenticator
{
    private readonly FrozenDictionary<string, KeyIdentity> _byHash;
    private readonly FrozenDictionary<string, KeyIdentity>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly string _header;
    private readonly string _challenge;
    private readonly bool _hide;

    /// <summary>Compiles the policy <paramref name="name"/> whose keys arrive in <paramref name="header"/>.</summary>
    public ApiKeyAuthenticator(string name, ApiKeyAuthDefinition keys, string header)
    {
        Name = name;
        _header = header;
        _hide = keys.HideCredentials;
        _challenge = $"ApiKey header=\"{header}\"";
        _byHash = keys.Keys.ToFrozenDictionary(k => k.Sha256.ToLowerInvariant(), k => new KeyIdentity(k), StringComparer.Ordinal);
        _lookup = _byHash.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>The request header the keys arrive in: a credential, never stored by the cache nor sent to another node.</summary>
    public override string? CredentialHeader => _header;

    /// <inheritdoc />
    public override string Challenge(string? error) => _challenge;

    /// <inheritdoc />
    public override ValueTask<AuthOutcome> AuthenticateAsync(HttpContext context)
    {
        var presented = context.Request.Headers[_header];
        if (presented.Count != 1 || string.IsNullOrEmpty(presented[0])) return new(AuthOutcome.Failure($"no API key in {_header}"));
        if (Lookup(presented[0]!) is not { } identity) return new(AuthOutcome.Failure("API key not accepted"));
        // hide-credentials: the upstream learns who the caller is from the forwarded claims, not from its key.
        if (_hide) context.Request.Headers.Remove(_header);
        return new(AuthOutcome.Success(identity));
    }

    private KeyIdentity? Lookup(string key)
    {
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        var bytes = max <= 256 ? stackalloc byte[256] : new byte[max];
        var length = Encoding.UTF8.GetBytes(key, bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[..length], hash);
        Span<char> hex = stackalloc char[SHA256.HashSizeInBytes * 2];
        Convert.TryToHexStringLower(hash, hex, out _);
        return _lookup.TryGetValue(hex, out var identity) ? identity : null;
    }

    private sealed class KeyIdentity(ApiKeyDefinition key) : GatewayIdentity
    {
        public override string? Claim(string name) =>
            name == ApiKeyClaim ? key.Name : key.Metadata.TryGetValue(name, out var value) ? value : null;

        public override string? Subject => key.Name;
    }
}
