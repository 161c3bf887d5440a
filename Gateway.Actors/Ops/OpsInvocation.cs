using System.Collections.Immutable;

namespace Gateway.Actors.Ops;

/// <summary>A resolved request: the command, its arguments, whether the client wants structured frames, and its cancellation.</summary>
public sealed record OpsInvocation(OpsCommand Command, ImmutableArray<string> Args, bool Json, CancellationToken Cancelled)
{
    /// <summary>The file content the client sent with the request (<see cref="Gateway.Protocol.Ops.OpsRequest.Input"/>), if any.</summary>
    public string? Input { get; init; }

    /// <summary>Values of the switches given, by <see cref="OpsSwitch.Name"/>; a flag's value is <c>true</c>.</summary>
    public ImmutableDictionary<string, string> Options { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The value of the switch <paramref name="name"/>, or null when it was not given.</summary>
    public string? Option(string name) => Options.GetValueOrDefault(name);

    /// <summary>True when the flag <paramref name="name"/> was given.</summary>
    public bool Flag(string name) => Options.ContainsKey(name);

    /// <summary>The argument at <paramref name="index"/>, or null when fewer were given.</summary>
    public string? Arg(int index) => index < Args.Length ? Args[index] : null;
}
