using System.Collections.Immutable;

namespace Gateway.Protocol.Security;

/// <summary>
/// A named authentication policy of a node (<c>gateway.auth.NAME</c>) that routes reference by name: JWT bearer tokens
/// or API keys, and which claims travel to the upstream as headers.
/// </summary>
public sealed record AuthPolicyDefinition
{
    /// <summary>The name routes use in their <c>auth</c> field.</summary>
    public string Name { get; init; } = "";

    /// <summary>JWT bearer validation; exactly one of <see cref="Jwt"/> and <see cref="ApiKeys"/> is set.</summary>
    public JwtAuthDefinition? Jwt { get; init; }

    /// <summary>API key validation.</summary>
    public ApiKeyAuthDefinition? ApiKeys { get; init; }

    /// <summary>Claims (for API keys: <c>name</c> and the metadata keys) sent upstream as headers: claim name to header name.</summary>
    public ImmutableDictionary<string, string> ForwardClaims { get; init; } = ImmutableDictionary<string, string>.Empty;
}
