using System.Collections.Immutable;

namespace Gateway.Actors.Caching;

/// <summary>Stored under a base key whose responses vary: the request header names (lower case, sorted) that pick the variant.</summary>
public sealed record VaryRule(ImmutableArray<string> Headers, string Path, string Query);
