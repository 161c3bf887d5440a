using System.Collections.Immutable;

namespace Gateway.Protocol.Caching;

/// <summary>One header of a <see cref="CachedResponse"/> with all its values.</summary>
public sealed record CachedHeader(string Name, ImmutableArray<string> Values);
