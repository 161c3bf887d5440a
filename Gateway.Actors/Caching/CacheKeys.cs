using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Gateway.Actors.Caching;

/// <summary>
/// Cache keys. A base key is the route id and the parts the route chose (host, path, query, request headers), joined by
/// a separator no request can contain; a variant key appends the values of the headers a response varies on.
/// </summary>
internal static class CacheKeys
{
    private const char PartSeparator = '\u001f';
    private const char VariantSeparator = '\u001e';

    // Never sent to another node: a variant keyed on credentials stays in the L1 of the node that saw them.
    private static readonly string[] Credentials = [HeaderNames.Authorization, HeaderNames.Cookie, HeaderNames.ProxyAuthorization];

    /// <summary>The variant key of <paramref name="baseKey"/> for a request with <paramref name="headers"/>, under a response varying on <paramref name="vary"/>.</summary>
    public static string Variant(string baseKey, ImmutableArray<string> vary, IHeaderDictionary headers)
    {
        var builder = new StringBuilder(baseKey.Length + 32 * vary.Length).Append(baseKey);
        foreach (var name in vary)
        {
            // Values are compared as sent, after trimming; RFC 9111 §4.1 allows this stricter normalisation.
            builder.Append(VariantSeparator).Append(name).Append('=').Append(headers[name].ToString().Trim());
        }
        return builder.ToString();
    }

    /// <summary>
    /// The L2 owner of <paramref name="baseKey"/>: one of <paramref name="shards"/> shards (also its one entity), chosen by a
    /// SHA-256 of the key, so every node picks the same owner and the number of owners never grows with the keys.
    /// </summary>
    public static string ShardOf(string baseKey, int shards)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(baseKey), hash);
        var bucket = BinaryPrimitives.ReadUInt64LittleEndian(hash) % (ulong)Math.Max(1, shards);
        return bucket.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>True when <paramref name="vary"/> names a credential header (or <paramref name="credentialHeader"/>), whose values never leave the node.</summary>
    public static bool VariesOnCredentials(ImmutableArray<string> vary, string? credentialHeader = null) =>
        vary.Any(v => IsCredential(v, credentialHeader));

    /// <summary>True when <paramref name="name"/> is a credential header: Authorization, Cookie, Proxy-Authorization, or the route's API-key header.</summary>
    public static bool IsCredential(string name, string? credentialHeader) =>
        Credentials.Any(c => c.Equals(name, StringComparison.OrdinalIgnoreCase))
        || credentialHeader is not null && credentialHeader.Equals(name, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The request headers sent with an L2 lookup or store: only those <paramref name="vary"/> names (a header the request
    /// lacks is sent empty, as <see cref="Variant"/> reads it), so nothing else of the request (credentials above all)
    /// reaches the owner.
    /// </summary>
    public static ImmutableDictionary<string, string> Selected(IHeaderDictionary headers, ImmutableArray<string> vary)
    {
        if (vary.IsDefaultOrEmpty) return ImmutableDictionary<string, string>.Empty;
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in vary) builder[name] = headers[name].ToString().Trim();
        return builder.ToImmutable();
    }

    /// <summary>Headers of an L2 message as a header dictionary, for <see cref="CacheStore"/>.</summary>
    public static IHeaderDictionary ToHeaders(ImmutableDictionary<string, string> headers)
    {
        var dictionary = new HeaderDictionary(headers.Count);
        foreach (var (name, value) in headers) dictionary[name] = value;
        return dictionary;
    }

    internal static char Separator => PartSeparator;
}
