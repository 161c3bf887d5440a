namespace Gateway.Actors.ConfigStore;

/// <summary>Sent by the config bootstrap to the route-replica actor: the journal was replayed into Distributed Data and the HOCON definitions applied.</summary>
internal sealed record BootstrapCompleted
{
    /// <summary>The one instance.</summary>
    public static readonly BootstrapCompleted Instance = new();
}

/// <summary>
/// Sent by the config file watcher to <c>/user/config-bootstrap</c>: the node's file now declares <paramref name="Definitions"/>;
/// apply the difference to what the file said when last applied. Answered with <see cref="FileDefinitionsApplied"/>.
/// </summary>
public sealed record ApplyFileDefinitions(Gateway.Protocol.Configuration.GatewayDefinitions Definitions);

/// <summary>Sent by <c>/user/config-bootstrap</c> to whoever sent <see cref="ApplyFileDefinitions"/>, once the change set was answered by the owners.</summary>
/// <param name="Changes">Upserts and deletes the change set held (0 when the file said what it said when last applied).</param>
/// <param name="Refused">How many of them the owners refused; they stay unrecorded and are tried again with the next change set.</param>
public sealed record FileDefinitionsApplied(int Changes, int Refused);
