using System.Collections.Immutable;
using Gateway.Protocol.Routing;

namespace Gateway.Actors.Routing;

/// <summary>One route as the route table compiler takes it: what it matches and the value a match returns.</summary>
/// <param name="Id">Route id; the last tie-breaker (ordinal) between otherwise equal routes.</param>
/// <param name="Hosts">Exact hosts or <c>*.suffix</c> wildcards; empty (or <c>*</c>) matches any host.</param>
/// <param name="Methods">HTTP methods, case-insensitive; empty matches any method.</param>
/// <param name="Path">The parsed path template.</param>
/// <param name="Order">Tie-breaker between routes of equal specificity: lower wins.</param>
/// <param name="Value">What a lookup returns for this route.</param>
public readonly record struct RouteTableEntry<T>(
    string Id,
    ImmutableArray<string> Hosts,
    ImmutableArray<string> Methods,
    PathTemplate Path,
    int Order,
    T Value)
    where T : class
{
    /// <summary>Conditions on headers, query and cookies that must also hold; null for none (the common, free case).</summary>
    public RouteConditions? Conditions { get; init; }
}
