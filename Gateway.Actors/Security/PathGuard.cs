using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Actors.Security;

/// <summary>
/// Refuses request targets whose dot segments (plain or percent-encoded) climb above the root. Kestrel already resolves
/// dot segments in <see cref="HttpRequest.Path"/> (decoding <c>%2E</c> first) and clamps at the root, so the path the router
/// matches, and the only one forwarded, is the normalised one; this looks at the raw target to refuse the attempt instead.
/// </summary>
internal static class PathGuard
{
    /// <summary>True when the raw request target climbs above the root (e.g. <c>/a/../../etc</c>, <c>/%2e%2e/x</c>).</summary>
    public static bool EscapesRoot(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return raw is not null && EscapesRoot(raw);
    }

    /// <summary>True when the origin-form target <paramref name="rawTarget"/> climbs above the root.</summary>
    public static bool EscapesRoot(string rawTarget)
    {
        var path = rawTarget.AsSpan();
        var query = path.IndexOf('?');
        if (query >= 0) path = path[..query];
        // Neither a dot nor an escape: nothing to resolve (the common case, one vectorised scan).
        if (path.IsEmpty || path[0] != '/' || path.IndexOfAny('.', '%') < 0) return false;

        var depth = 0;
        foreach (var range in path[1..].Split('/'))
        {
            var segment = path[1..][range];
            if (IsDots(segment, 2))
            {
                if (depth == 0) return true;
                depth--;
            }
            else if (segment.Length > 0 && !IsDots(segment, 1))
            {
                depth++;
            }
        }
        return false;
    }

    // A segment made of exactly `count` dots, each written '.' or "%2E" / "%2e".
    private static bool IsDots(ReadOnlySpan<char> segment, int count)
    {
        var dots = 0;
        for (var i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '.') dots++;
            else if (segment[i] == '%' && i + 2 < segment.Length && segment[i + 1] == '2' && (segment[i + 2] | 0x20) == 'e') { dots++; i += 2; }
            else return false;
        }
        return dots == count;
    }
}
