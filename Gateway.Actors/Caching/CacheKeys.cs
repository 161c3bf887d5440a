using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Gateway.Actors.Caching;

/// <summary>
/// Cache keys. A base key is the route id and the parts the route chose (host, path, query, request headers), joined by
/// a separator no request can contain; a variant key appends the values of the headers a response varies on.
/// </summary>
public static class CacheKeys
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

    /// <summary>The L2 entity id of <paramref name="baseKey"/>: a URL-safe SHA-256 digest, short and free of path characters.</summary>
    public static string EntityId(string baseKey)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(baseKey), hash);
        return Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>True when <paramref name="vary"/> names a credential header, whose values never leave the node.</summary>
    public static bool VariesOnCredentials(ImmutableArray<string> vary) =>
        vary.Any(v => Credentials.Any(c => c.Equals(v, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The request headers sent with an L2 lookup or store: everything but credentials, first value of each.</summary>
    public static ImmutableDictionary<string, string> ShareableHeaders(IHeaderDictionary headers)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers)
        {
            if (Credentials.Any(c => c.Equals(name, StringComparison.OrdinalIgnoreCase))) continue;
            builder[name] = values.ToString();
        }
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
