using System.Collections.Immutable;

namespace Gateway.Actors.Ops;

/// <summary>A resolved request: the command, its arguments, whether the client wants structured frames, and its cancellation.</summary>
public sealed record OpsInvocation(OpsCommand Command, ImmutableArray<string> Args, bool Json, CancellationToken Cancelled)
{
    /// <summary>The file content the client sent with the request (<see cref="Gateway.Protocol.Ops.OpsRequest.Input"/>), if any.</summary>
    public string? Input { get; init; }

    /// <summary>The argument at <paramref name="index"/>, or null when fewer were given.</summary>
    public string? Arg(int index) => index < Args.Length ? Args[index] : null;
}
