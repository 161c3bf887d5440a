using Gateway.Actors.RateLimiting;
using Gateway.Actors.Security;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.LoadBalancing;

/// <summary>
/// Where a sticky split or a consistent-hash upstream reads a request's key: <c>header:NAME</c>, <c>cookie:NAME</c>,
/// <c>client-ip</c> (through the trusted-proxy rules), <c>claim:NAME</c> or <c>api-key</c> (the identity the route's
/// auth established). Parsed once when the route or upstream is compiled.
/// </summary>
public sealed class RequestKey
{
    private readonly Kind _kind;
    private readonly string _name;
    private readonly ClientAddressResolver? _clients;

    private RequestKey(Kind kind, string name, ClientAddressResolver? clients, string text)
    {
        _kind = kind;
        _name = name;
        _clients = clients;
        Text = text;
    }

    private enum Kind { Header, Cookie, ClientIp, Claim }

    /// <summary>The key as written.</summary>
    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; <paramref name="clients"/> resolves <c>client-ip</c> (the peer address when null).</summary>
    /// <exception cref="ArgumentException">Not a key kind (the validator refuses such definitions first).</exception>
    public static RequestKey Parse(string text, ClientAddressResolver? clients = null) => text switch
    {
        "client-ip" => new RequestKey(Kind.ClientIp, "", clients, text),
        "api-key" => new RequestKey(Kind.Claim, GatewayIdentity.ApiKeyClaim, null, text),
        _ when text.StartsWith("header:", StringComparison.Ordinal) => new RequestKey(Kind.Header, text[7..], null, text),
        _ when text.StartsWith("cookie:", StringComparison.Ordinal) => new RequestKey(Kind.Cookie, text[7..], null, text),
        _ when text.StartsWith("claim:", StringComparison.Ordinal) => new RequestKey(Kind.Claim, text[6..], null, text),
        _ => throw new ArgumentException($"'{text}' is not one of header:NAME, cookie:NAME, client-ip, claim:NAME, api-key", nameof(text)),
    };

    /// <summary>The request's key, or null when the request carries none (no such header, cookie, claim or address).</summary>
    public string? Read(HttpContext context)
    {
        string? value = _kind switch
        {
            Kind.Header => context.Request.Headers.TryGetValue(_name, out var values) ? values.ToString() : null,
            Kind.Cookie => context.Request.Cookies.TryGetValue(_name, out var cookie) ? cookie : null,
            Kind.ClientIp => _clients is not null ? _clients.ResolveAddress(context)?.ToString() : context.Connection.RemoteIpAddress?.ToString(),
            _ => GatewayIdentity.KeyOf(context, _name),
        };
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>The stable hash of the request's key, or null when it has none.</summary>
    public ulong? Hash(HttpContext context) => Read(context) is { } key ? StableHash.Of(key) : null;
}
