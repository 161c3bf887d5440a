using System.Collections.Immutable;

namespace Gateway.Protocol.Routing;

/// <summary>A route's <c>match</c> section: conditions on headers, query and cookies, all of which must hold.</summary>
public sealed record RouteMatchDefinition
{
    /// <summary>Conditions on request headers.</summary>
    public ImmutableArray<MatchCondition> Headers { get; init; } = [];

    /// <summary>Conditions on query parameters.</summary>
    public ImmutableArray<MatchCondition> Query { get; init; } = [];

    /// <summary>Conditions on cookies.</summary>
    public ImmutableArray<MatchCondition> Cookies { get; init; } = [];

    /// <summary>Number of conditions: among routes with the same path template, more conditions win.</summary>
    public int Count => Length(Headers) + Length(Query) + Length(Cookies);

    private static int Length(ImmutableArray<MatchCondition> list) => list.IsDefault ? 0 : list.Length;

    /// <inheritdoc />
    public bool Equals(RouteMatchDefinition? other) =>
        other is not null && Same(Headers, other.Headers) && Same(Query, other.Query) && Same(Cookies, other.Cookies);

    /// <inheritdoc />
    public override int GetHashCode() => Count;

    private static bool Same(ImmutableArray<MatchCondition> a, ImmutableArray<MatchCondition> b) =>
        (a.IsDefault ? [] : a).SequenceEqual(b.IsDefault ? [] : b);
}
