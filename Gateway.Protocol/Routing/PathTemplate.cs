using System.Collections.Immutable;

namespace Gateway.Protocol.Routing;

/// <summary>A parsed route path template such as <c>/api/{version}/items/{id:int}</c> or <c>/files/{**rest}</c>.</summary>
public sealed class PathTemplate
{
    private PathTemplate(string text, ImmutableArray<PathSegment> segments)
    {
        Text = text;
        Segments = segments;
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>The segments between slashes; empty for <c>/</c>.</summary>
    public ImmutableArray<PathSegment> Segments { get; }

    /// <summary>True when the last segment is a catch-all.</summary>
    public bool HasCatchAll => Segments.Length > 0 && Segments[^1].Kind == PathSegmentKind.CatchAll;

    /// <summary>Names of the captures in order of appearance.</summary>
    public ImmutableArray<string> CaptureNames =>
        Segments.Where(s => s.Kind != PathSegmentKind.Static).Select(s => s.Value).ToImmutableArray();

    /// <summary>Parses a template; on failure returns false and a message that quotes the template.</summary>
    public static bool TryParse(string? text, out PathTemplate? template, out string? error)
    {
        template = null;
        error = null;
        if (string.IsNullOrEmpty(text) || text[0] != '/')
        {
            error = $"path template '{text}': must start with '/'";
            return false;
        }

        var parts = text.Length == 1 ? [] : text[1..].TrimEnd('/').Split('/');
        var segments = ImmutableArray.CreateBuilder<PathSegment>(parts.Length);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length == 0)
            {
                error = $"path template '{text}': empty segment (duplicate '/')";
                return false;
            }

            if (part[0] != '{')
            {
                if (part.AsSpan().IndexOfAny("{}?#") >= 0)
                {
                    error = $"path template '{text}': segment '{part}' mixes text and a parameter or holds '?', '#'; a parameter must be a whole segment";
                    return false;
                }
                segments.Add(new PathSegment(PathSegmentKind.Static, part));
                continue;
            }

            if (part[^1] != '}' || part.Length < 3 || part.AsSpan(1, part.Length - 2).IndexOfAny('{', '}') >= 0)
            {
                error = $"path template '{text}': segment '{part}' is not a parameter of the form {{name}}";
                return false;
            }

            var inner = part[1..^1];
            var kind = PathSegmentKind.Parameter;
            if (inner.StartsWith("**", StringComparison.Ordinal))
            {
                kind = PathSegmentKind.CatchAll;
                inner = inner[2..];
                if (i != parts.Length - 1)
                {
                    error = $"path template '{text}': catch-all must be last";
                    return false;
                }
            }

            string? constraint = null;
            var colon = inner.IndexOf(':');
            if (colon >= 0)
            {
                constraint = inner[(colon + 1)..];
                inner = inner[..colon];
                if (kind == PathSegmentKind.CatchAll || !PathSegment.KnownConstraints.Contains(constraint))
                {
                    error = kind == PathSegmentKind.CatchAll
                        ? $"path template '{text}': a catch-all takes no constraint"
                        : $"path template '{text}': unknown constraint '{constraint}' (known: {string.Join(", ", PathSegment.KnownConstraints.Order())})";
                    return false;
                }
            }

            if (!IsIdentifier(inner))
            {
                error = $"path template '{text}': parameter name '{inner}' must be letters, digits or '_' and start with a letter or '_'";
                return false;
            }

            if (!names.Add(inner))
            {
                error = $"path template '{text}': parameter '{inner}' appears twice";
                return false;
            }

            segments.Add(new PathSegment(kind, inner, constraint));
        }

        template = new PathTemplate(text, segments.ToImmutable());
        return true;
    }

    /// <summary>Parses a template or throws <see cref="FormatException"/> with the parse error.</summary>
    public static PathTemplate Parse(string text) =>
        TryParse(text, out var template, out var error) ? template! : throw new FormatException(error);

    /// <inheritdoc />
    public override string ToString() => Text;

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_')) return false;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        }
        return true;
    }
}
