namespace Gateway.Actors.ConfigStore;

/// <summary>Sent by the config bootstrap to the route-replica actor: the journal was replayed into Distributed Data and the HOCON definitions applied.</summary>
public sealed record BootstrapCompleted
{
    /// <summary>The one instance.</summary>
    public static readonly BootstrapCompleted Instance = new();
}
