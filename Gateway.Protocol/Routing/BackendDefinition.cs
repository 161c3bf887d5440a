namespace Gateway.Protocol.Routing;

/// <summary>One upstream of a weighted split (<c>backends = [ { upstream = v1, weight = 90 } ]</c>).</summary>
public sealed record BackendDefinition
{
    /// <summary>Name of the upstream.</summary>
    public string Upstream { get; init; } = "";

    /// <summary>Relative share of the route's traffic (0 takes none; 1 when omitted).</summary>
    public int Weight { get; init; } = 1;
}
