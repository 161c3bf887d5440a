namespace Gateway.Protocol.Routing;

/// <summary>What one segment of a path template matches, in priority order: static beats parameter beats catch-all.</summary>
public enum PathSegmentKind
{
    /// <summary>Literal text, matched case-insensitively.</summary>
    Static,

    /// <summary><c>{name}</c> or <c>{name:constraint}</c>: exactly one non-empty segment.</summary>
    Parameter,

    /// <summary><c>{**name}</c>: the rest of the path, possibly empty; only as the last segment.</summary>
    CatchAll,
}
