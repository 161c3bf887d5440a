namespace Gateway.Protocol.Routing;

/// <summary>One parsed segment of a path template.</summary>
/// <param name="Kind">Static, parameter or catch-all.</param>
/// <param name="Value">The literal text for a static segment, otherwise the capture name.</param>
/// <param name="Constraint">For a parameter, the constraint (<c>int</c>, <c>long</c>, <c>guid</c>, <c>alpha</c>, <c>bool</c>) or null.</param>
public sealed record PathSegment(PathSegmentKind Kind, string Value, string? Constraint = null)
{
    /// <summary>Constraint names a parameter may carry.</summary>
    public static readonly IReadOnlySet<string> KnownConstraints =
        new HashSet<string>(StringComparer.Ordinal) { "int", "long", "guid", "alpha", "bool" };

    /// <summary>True when <paramref name="value"/> satisfies this segment's constraint (always true without one).</summary>
    public bool Accepts(ReadOnlySpan<char> value) => Constraint switch
    {
        null => true,
        "int" => int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _),
        "long" => long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _),
        "guid" => Guid.TryParse(value, out _),
        "alpha" => IsAlpha(value),
        "bool" => bool.TryParse(value, out _),
        _ => false,
    };

    private static bool IsAlpha(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiLetter(c)) return false;
        }
        return true;
    }
}
