using System.Net;
using Gateway.Protocol.Security;

namespace Gateway.Actors.Security;

/// <summary>Compiled allow and deny networks: deny wins, and a non-empty allow list refuses what it does not contain.</summary>
internal sealed class IpRuleSet
{
    private readonly IPNetwork[] _allow;
    private readonly IPNetwork[] _deny;
    // Set when this set is the conjunction of two (the node's global rules and a route's).
    private readonly IpRuleSet[]? _inner;

    private IpRuleSet(IPNetwork[] allow, IPNetwork[] deny, IpRuleSet[]? inner = null)
    {
        _allow = allow;
        _deny = deny;
        _inner = inner;
    }

    /// <summary>Compiles validated rules; null when both lists are empty.</summary>
    /// <exception cref="FormatException">An entry is neither an address nor a CIDR (validation catches it first).</exception>
    public static IpRuleSet? Create(IpRulesDefinition? rules) =>
        rules is null || rules.Allow.IsDefaultOrEmpty && rules.Deny.IsDefaultOrEmpty ? null : new IpRuleSet(Parse(rules.Allow), Parse(rules.Deny));

    /// <summary>Rules that pass only what both <paramref name="first"/> and <paramref name="second"/> pass.</summary>
    public static IpRuleSet? Combine(IpRuleSet? first, IpRuleSet? second) =>
        first is null ? second : second is null ? first : new IpRuleSet([], [], [first, second]);

    /// <summary>Whether a client at <paramref name="address"/> may pass (IPv4-mapped IPv6 addresses count as IPv4).</summary>
    public bool Allows(IPAddress address)
    {
        if (_inner is { } inner)
        {
            foreach (var rules in inner)
            {
                if (!rules.Allows(address)) return false;
            }
            return true;
        }
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var network in _deny)
        {
            if (network.Contains(address)) return false;
        }
        if (_allow.Length == 0) return true;
        foreach (var network in _allow)
        {
            if (network.Contains(address)) return true;
        }
        return false;
    }

    private static IPNetwork[] Parse(System.Collections.Immutable.ImmutableArray<string> list) =>
        list.IsDefaultOrEmpty ? [] : list.Select(ParseOne).ToArray();

    private static IPNetwork ParseOne(string text)
    {
        if (IPNetwork.TryParse(text, out var network)) return network;
        var address = IPAddress.Parse(text);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
    }
}
