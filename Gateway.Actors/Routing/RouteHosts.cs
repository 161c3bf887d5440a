using System.Collections.Immutable;

namespace Gateway.Actors.Routing;

/// <summary>Host normalization shared by the compiler (configured hosts) and lookups (request Host headers).</summary>
internal static class RouteHosts
{
    /// <summary>Trimmed, distinct (case-insensitive) configured hosts without a trailing dot; empty means any host.</summary>
    public static IReadOnlyCollection<string> Normalize(ImmutableArray<string> hosts)
    {
        if (hosts.IsDefaultOrEmpty) return [];
        var distinct = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var host in hosts)
        {
            var trimmed = host?.Trim().TrimEnd('.');
            if (!string.IsNullOrEmpty(trimmed)) distinct.Add(trimmed);
        }
        return distinct;
    }

    /// <summary>True for <c>*.suffix</c> with a non-empty suffix.</summary>
    public static bool IsWildcard(string host) => host.Length > 2 && host.StartsWith("*.", StringComparison.Ordinal);

    /// <summary>The request host without <c>:port</c> (IPv6 literals keep their brackets) and without a trailing dot.</summary>
    public static ReadOnlySpan<char> StripPort(ReadOnlySpan<char> host)
    {
        if (host.Length > 0 && host[0] == '[')
        {
            var close = host.IndexOf(']');
            return close < 0 ? host : host[..(close + 1)];
        }

        var colon = host.LastIndexOf(':');
        if (colon >= 0) host = host[..colon];
        return host.Length > 0 && host[^1] == '.' ? host[..^1] : host;
    }
}
