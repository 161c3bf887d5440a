using System.Collections.Immutable;

namespace Gateway.Actors.Ops;

/// <summary>A named group of ops commands, e.g. <c>cluster</c>; its name is the first word of each of its commands.</summary>
public sealed record OpsPalette(string Name, string Summary, ImmutableArray<OpsCommand> Commands);
