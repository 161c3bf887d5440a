using System.Collections.Immutable;

namespace Gateway.Protocol.Security;

/// <summary>Client address rules: CIDRs (IPv4 or IPv6) or single addresses allowed and denied.</summary>
/// <remarks>Deny wins over allow; a non-empty allow list refuses every address it does not contain.</remarks>
public sealed record IpRulesDefinition
{
    /// <summary>When not empty, only clients in one of these networks pass.</summary>
    public ImmutableArray<string> Allow { get; init; } = [];

    /// <summary>Clients in one of these networks are refused with 403.</summary>
    public ImmutableArray<string> Deny { get; init; } = [];
}
