using System.Collections.Immutable;

namespace Gateway.Protocol.Security;

/// <summary>One accepted API key: its SHA-256 hash (hex) and who it belongs to.</summary>
public sealed record ApiKeyDefinition
{
    /// <summary>Lower- or upper-case hex SHA-256 of the key's UTF-8 bytes (<c>printf %s KEY | sha256sum</c>).</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>The key's owner, the <c>name</c> claim (and the rate-limit key of <c>key = api-key</c>).</summary>
    public string Name { get; init; } = "";

    /// <summary>Further claims of the key (<c>tier = gold</c>), usable as <c>claim:tier</c> rate-limit keys and forwarded headers.</summary>
    public ImmutableDictionary<string, string> Metadata { get; init; } = ImmutableDictionary<string, string>.Empty;
}
