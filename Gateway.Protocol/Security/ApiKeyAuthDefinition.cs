using System.Collections.Immutable;

namespace Gateway.Protocol.Security;

/// <summary>API keys accepted by a policy: the header they arrive in and their SHA-256 hashes with metadata.</summary>
public sealed record ApiKeyAuthDefinition
{
    /// <summary>Request header carrying the key; null uses <c>gateway.auth-defaults.api-key-header</c>.</summary>
    public string? Header { get; init; }

    /// <summary>The accepted keys, stored hashed.</summary>
    public ImmutableArray<ApiKeyDefinition> Keys { get; init; } = [];

    /// <summary>Remove the key header before the request goes upstream (Kong's <c>hide_credentials</c>); off forwards it.</summary>
    public bool HideCredentials { get; init; }
}
