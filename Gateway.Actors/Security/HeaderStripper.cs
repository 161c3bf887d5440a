using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Security;

/// <summary>
/// Removes headers the gateway owns (<c>gateway.ingress.strip-request-headers</c>: names, or prefixes ending in <c>*</c>)
/// from client requests before anything reads or forwards them, so a client cannot pose as the gateway.
/// </summary>
public sealed class HeaderStripper
{
    private readonly string[] _names;
    private readonly string[] _prefixes;

    /// <summary>Compiles <paramref name="patterns"/> such as <c>X-Gateway-User</c> and <c>X-Internal-*</c>.</summary>
    public HeaderStripper(IEnumerable<string> patterns)
    {
        var list = patterns.ToArray();
        _names = list.Where(p => !p.EndsWith('*')).ToArray();
        _prefixes = list.Where(p => p.EndsWith('*')).Select(p => p[..^1]).ToArray();
    }

    /// <summary>True when nothing is configured: the handler skips the call.</summary>
    public bool IsEmpty => _names.Length == 0 && _prefixes.Length == 0;

    /// <summary>Removes the configured headers from <paramref name="headers"/>.</summary>
    public void Apply(IHeaderDictionary headers)
    {
        foreach (var name in _names) headers.Remove(name);
        if (_prefixes.Length == 0) return;
        List<string>? doomed = null;
        foreach (var header in headers)
        {
            foreach (var prefix in _prefixes)
            {
                if (header.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) (doomed ??= []).Add(header.Key);
            }
        }
        if (doomed is null) return;
        foreach (var name in doomed) headers.Remove(name);
    }
}
