using System.Text;
using Gateway.Protocol.Routing;

namespace Gateway.Actors.Routing;

/// <summary>A route's path rewrite, prepared at compile time: pass through, strip a prefix, or fill a template.</summary>
public sealed class PathRewriter
{
    private readonly string? _stripPrefix;
    private readonly PathSegment[]? _template;
    private readonly int[]? _captureIndex;

    private PathRewriter(string? stripPrefix, PathSegment[]? template, int[]? captureIndex)
    {
        _stripPrefix = stripPrefix;
        _template = template;
        _captureIndex = captureIndex;
    }

    /// <summary>Forwards the request path unchanged.</summary>
    public static readonly PathRewriter None = new(null, null, null);

    /// <summary>Prepares <paramref name="rewrite"/> for a route whose path template is <paramref name="routePath"/>.</summary>
    public static PathRewriter Create(RouteRewrite? rewrite, PathTemplate routePath)
    {
        if (rewrite?.StripPrefix is { } prefix) return new PathRewriter(prefix.TrimEnd('/'), null, null);
        if (rewrite?.Template is not { } text) return None;
        var template = PathTemplate.Parse(text);
        var names = routePath.CaptureNames;
        var index = template.Segments
            .Select(s => s.Kind == PathSegmentKind.Static ? -1 : names.IndexOf(s.Value, 0, names.Length, StringComparer.OrdinalIgnoreCase))
            .ToArray();
        return new PathRewriter(null, template.Segments.ToArray(), index);
    }

    /// <summary>The path to send upstream for <paramref name="path"/>, whose captures are <paramref name="captures"/>.</summary>
    public string Rewrite(string path, ReadOnlySpan<Range> captures)
    {
        if (_stripPrefix is { } prefix)
        {
            if (prefix.Length == 0 || !path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return path;
            if (path.Length == prefix.Length) return "/";
            return path[prefix.Length] == '/' ? path[prefix.Length..] : path;
        }

        if (_template is null) return path.Length == 0 ? "/" : path;

        var builder = new StringBuilder(path.Length + 16);
        for (var i = 0; i < _template.Length; i++)
        {
            var segment = _template[i];
            if (segment.Kind == PathSegmentKind.Static)
            {
                builder.Append('/').Append(segment.Value);
                continue;
            }
            var index = _captureIndex![i];
            var value = index >= 0 && index < captures.Length ? path.AsSpan()[captures[index]] : default;
            // An empty catch-all adds nothing, so /files/{**rest} with rest="" gives /files, not /files/.
            if (segment.Kind == PathSegmentKind.CatchAll && value.IsEmpty) continue;
            builder.Append('/').Append(value);
        }
        return builder.Length == 0 ? "/" : builder.ToString();
    }
}
