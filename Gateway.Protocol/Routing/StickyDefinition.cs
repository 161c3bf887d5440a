namespace Gateway.Protocol.Routing;

/// <summary>Sticky backend choice: requests with the same key go to the same backend on every node, with no shared state.</summary>
public sealed record StickyDefinition
{
    /// <summary>What the key is read from: <c>header:NAME</c>, <c>cookie:NAME</c>, <c>client-ip</c>, <c>claim:NAME</c> or <c>api-key</c>.</summary>
    public string Key { get; init; } = "";
}
