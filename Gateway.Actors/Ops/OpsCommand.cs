using System.Collections.Immutable;
using Akka.Actor;

namespace Gateway.Actors.Ops;

/// <summary>
/// One command of a palette: its words (<c>cluster show</c>), its arguments and how it runs. A command either runs as a
/// task (<see cref="Run"/>, most of them pure over a snapshot) or as a child actor of <c>/user/ops</c>
/// (<see cref="Actor"/>) that writes to the output until it is done or cancelled (the streaming commands).
/// </summary>
public sealed record OpsCommand
{
    /// <summary>The command words separated by one space, e.g. <c>cluster sharding regions</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Argument syntax for the usage line, e.g. <c>&lt;address&gt;</c> or <c>[n]</c>; empty without arguments.</summary>
    public string Arguments { get; init; } = "";

    /// <summary>One line for <c>help</c>.</summary>
    public required string Summary { get; init; }

    /// <summary>Fewest arguments accepted.</summary>
    public int MinArgs { get; init; }

    /// <summary>Most arguments accepted.</summary>
    public int MaxArgs { get; init; }

    /// <summary>Switches the command accepts anywhere among its arguments (<c>-a X</c>, <c>--address X</c>, <c>--prune</c>).</summary>
    public System.Collections.Immutable.ImmutableArray<OpsSwitch> Switches { get; init; } = [];

    /// <summary>True for commands that run until the client cancels them.</summary>
    public bool Streaming { get; init; }

    /// <summary>Runs the command to completion; set this or <see cref="Actor"/>.</summary>
    public Func<OpsInvocation, OpsContext, Task<OpsResult>>? Run { get; init; }

    /// <summary>Props of the child actor that runs the command and ends <see cref="OpsOutput"/>; set this or <see cref="Run"/>.</summary>
    public Func<OpsInvocation, OpsContext, OpsOutput, Props>? Actor { get; init; }

    /// <summary>The words of <see cref="Name"/>.</summary>
    public ImmutableArray<string> Words => [.. Name.Split(' ')];

    /// <summary>The usage line, e.g. <c>usage: pbm [HOST:PORT] cluster join &lt;address&gt;</c>.</summary>
    public string Usage => $"usage: pbm [HOST:PORT] {Syntax}";

    /// <summary>The words, arguments and switches, e.g. <c>cluster leave [address] [-a|--address ADDRESS]</c>.</summary>
    public string Syntax => string.Join(' ', new[] { Name, Arguments }.Concat(Switches.Select(s => s.Syntax)).Where(p => p.Length > 0));
}
