using System.Text.Json.Nodes;
using Gateway.Protocol.Caching;

namespace Gateway.Protocol.Configuration;

/// <summary>The route's <c>cache</c> section.</summary>
public sealed partial class DefinitionReader
{
    private CacheDefinition? ReadCache(Dictionary<string, JsonNode?> fields, string at)
    {
        if (Section(fields, at, "cache") is not var (inner, sectionAt)) return null;
        var f = Fields(inner, sectionAt, "key", "defaultTtl", "maxBodySize", "allowSetCookie", "cluster", "sharedAcrossIdentities", "identityClaim", "staleIfError");
        return new CacheDefinition
        {
            Key = StringList(f, sectionAt, "key"),
            DefaultTtl = Duration(f, sectionAt, "defaultTtl"),
            MaxBodySize = ByteSize(f, sectionAt, "maxBodySize"),
            AllowSetCookie = Boolean(f, sectionAt, "allowSetCookie") ?? false,
            Cluster = Boolean(f, sectionAt, "cluster") ?? true,
            SharedAcrossIdentities = Boolean(f, sectionAt, "sharedAcrossIdentities") ?? false,
            IdentityClaim = OptionalString(f, sectionAt, "identityClaim"),
            StaleIfError = Duration(f, sectionAt, "staleIfError"),
        };
    }
}
