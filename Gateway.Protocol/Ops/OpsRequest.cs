using System.Collections.Immutable;

namespace Gateway.Protocol.Ops;

/// <summary>
/// A frame the <c>pbm</c> client sends to a node's ops host: a command to run, or <see cref="Cancel"/> to stop the
/// streaming command that is running on the connection.
/// </summary>
public sealed record OpsRequest
{
    /// <summary>The shared token; required when the node's ops host is bound to a non-loopback address.</summary>
    public string? Token { get; init; }

    /// <summary>Command words, e.g. <c>cluster show</c>; the host takes the longest known command from these words and <see cref="Args"/>.</summary>
    public string Command { get; init; } = "";

    /// <summary>Arguments after the command words.</summary>
    public ImmutableArray<string> Args { get; init; } = [];

    /// <summary>Ask for structured frames (tables) instead of formatted lines where a command offers both.</summary>
    public bool Json { get; init; }

    /// <summary>
    /// Content of a file the client read for the command (<c>gateway routes apply FILE</c>): pbm reads the file where it
    /// runs and sends the text, so a remote node never needs the file. Bounded by <see cref="OpsWire.MaxLineLength"/>.
    /// </summary>
    public string? Input { get; init; }

    /// <summary>True for a cancel frame: stop the running streaming command; every other field is ignored.</summary>
    public bool Cancel { get; init; }

    /// <summary>A cancel frame.</summary>
    public static OpsRequest CancelFrame { get; } = new() { Cancel = true };
}
