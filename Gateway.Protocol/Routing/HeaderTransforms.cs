using System.Collections.Immutable;

namespace Gateway.Protocol.Routing;

/// <summary>Headers to set (replacing any present) and headers to remove, applied to a request or a response.</summary>
public sealed record HeaderTransforms
{
    /// <summary>No change.</summary>
    public static readonly HeaderTransforms Empty = new();

    /// <summary>Headers set to a fixed value.</summary>
    public ImmutableDictionary<string, string> Add { get; init; } = ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.OrdinalIgnoreCase);

    /// <summary>Header names removed.</summary>
    public ImmutableArray<string> Remove { get; init; } = [];

    /// <summary>True when the transform changes nothing.</summary>
    public bool IsEmpty => Add.Count == 0 && Remove.IsDefaultOrEmpty;
}
