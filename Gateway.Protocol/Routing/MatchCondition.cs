namespace Gateway.Protocol.Routing;

/// <summary>
/// One condition on a request header, query parameter or cookie: an exact <see cref="Value"/>, a <see cref="Regex"/>,
/// or <see cref="Present"/> (any value). Exactly one of the three is set.
/// </summary>
public sealed record MatchCondition
{
    /// <summary>Header, query parameter or cookie name (headers case-insensitive, query and cookies case-sensitive).</summary>
    public string Name { get; init; } = "";

    /// <summary>The exact value required (ordinal, case-sensitive); null when another kind is used.</summary>
    public string? Value { get; init; }

    /// <summary>A .NET regular expression the value must match somewhere (anchor it with ^...$ for a whole match); null when another kind is used.</summary>
    public string? Regex { get; init; }

    /// <summary>True to require only that the name is present, whatever its value.</summary>
    public bool Present { get; init; }
}
