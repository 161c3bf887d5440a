namespace Gateway.Actors.Ops;

/// <summary>
/// A switch a command accepts, Petabridge style: <c>-a ADDRESS</c> or <c>--address ADDRESS</c> (also <c>--address=ADDRESS</c>),
/// or a flag without a value such as <c>--prune</c>.
/// </summary>
/// <param name="Name">The long name without dashes, also the key in <see cref="OpsInvocation.Options"/> (e.g. <c>address</c>).</param>
/// <param name="Short">The one-letter form without its dash (e.g. <c>a</c>), or null.</param>
/// <param name="Value">Syntax of its value for the usage line (e.g. <c>ADDRESS</c>); null for a flag.</param>
public sealed record OpsSwitch(string Name, string? Short = null, string? Value = null)
{
    /// <summary>True when the switch takes no value.</summary>
    public bool IsFlag => Value is null;

    /// <summary>How the usage line shows it, e.g. <c>[-a|--address ADDRESS]</c>.</summary>
    public string Syntax => $"[{(Short is null ? "" : $"-{Short}|")}--{Name}{(Value is null ? "" : " " + Value)}]";
}
