using System.Net;
using Akka.Configuration;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.RateLimiting;

/// <summary>
/// The client's address for policies: the connection's peer, or, when that peer is a trusted proxy, the right-most
/// address in <c>X-Forwarded-For</c> that is not itself a trusted proxy. Untrusted peers cannot spoof it.
/// </summary>
public sealed class ClientAddressResolver(IReadOnlyList<IPNetwork> trustedProxies)
{
    /// <summary>Reads <c>gateway.trusted-proxies</c> (CIDRs such as <c>10.0.0.0/8</c>).</summary>
    /// <exception cref="ConfigurationException">An entry is not a CIDR or address.</exception>
    public static ClientAddressResolver FromConfig(Config config)
    {
        var networks = new List<IPNetwork>();
        foreach (var text in config.GetStringList("gateway.trusted-proxies"))
        {
            if (IPNetwork.TryParse(text, out var network)) networks.Add(network);
            else if (IPAddress.TryParse(text, out var single)) networks.Add(new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else throw new ConfigurationException($"gateway.trusted-proxies: '{text}' is not an address or a CIDR such as 10.0.0.0/8");
        }
        return new ClientAddressResolver(networks);
    }

    // Each thread remembers the last address it formatted: a busy client's next request formats nothing.
    [ThreadStatic] private static IPAddress? _lastAddress;
    [ThreadStatic] private static string? _lastText;

    /// <summary>The client address as text.</summary>
    public string Resolve(HttpContext context)
    {
        var address = ResolveAddress(context);
        if (address is null) return "unknown";
        if (_lastText is not null && address.Equals(_lastAddress)) return _lastText;
        _lastAddress = address;
        return _lastText = address.ToString();
    }

    /// <summary>The client address (IPv4-mapped addresses as IPv4), or null when the connection has none.</summary>
    public IPAddress? ResolveAddress(HttpContext context)
    {
        var peer = Normalize(context.Connection.RemoteIpAddress);
        if (peer is null) return null;
        if (trustedProxies.Count == 0 || !IsTrusted(peer)) return peer;

        var forwarded = context.Request.Headers["X-Forwarded-For"].ToString();
        var hops = forwarded.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = hops.Length - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(hops[i], out var hop)) break;
            hop = Normalize(hop)!;
            if (!IsTrusted(hop)) return hop;
        }
        return peer;
    }

    private bool IsTrusted(IPAddress address)
    {
        foreach (var network in trustedProxies)
        {
            if (network.Contains(address)) return true;
        }
        return false;
    }

    private static IPAddress? Normalize(IPAddress? address) =>
        address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
}
