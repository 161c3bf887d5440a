using System.Collections.Immutable;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Validation;

namespace Gateway.Actors.Ops;

/// <summary>
/// What a diff or sync of a file against the cluster found and did: the file's errors (then nothing else happened), the
/// differences, the plan (the differences a sync applies), and for a sync the owners' answers up to the first refusal.
/// </summary>
public sealed record ConfigSyncReport
{
    /// <summary>The file's errors, each naming its field; when any, nothing was compared or applied.</summary>
    public ImmutableArray<ValidationError> Errors { get; init; } = [];

    /// <summary>Every difference, deletes included, in apply order.</summary>
    public ImmutableArray<DefinitionChange> Changes { get; init; } = [];

    /// <summary>The differences a sync applies (without prune: no deletes).</summary>
    public ImmutableArray<DefinitionChange> Plan { get; init; } = [];

    /// <summary>The changes sent to owners, in order, with their answers.</summary>
    public ImmutableArray<ConfigSyncStep> Steps { get; init; } = [];

    /// <summary>Why the sync stopped before the end of the plan (a definition changed since the diff, or an owner refused); null when it did not.</summary>
    public string? Stopped { get; init; }

    /// <summary>True when the sync stopped because a definition changed between the diff and the write.</summary>
    public bool Conflict { get; init; }
}
