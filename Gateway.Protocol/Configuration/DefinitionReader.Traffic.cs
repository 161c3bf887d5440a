using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Gateway.Protocol.Routing;

namespace Gateway.Protocol.Configuration;

/// <summary>The route's traffic sections: <c>match</c>, <c>backends</c>, <c>sticky</c> and <c>fallback</c>.</summary>
public sealed partial class DefinitionReader
{
    // A route names one upstream or a list of backends; with backends the single upstream stays empty.
    private string ReadRouteUpstream(Dictionary<string, JsonNode?> fields, string at, ImmutableArray<BackendDefinition> backends)
    {
        var hasUpstream = fields.TryGetValue("upstream", out var node) && node is not null;
        var hasBackends = fields.TryGetValue("backends", out var list) && list is not null;
        if (hasUpstream && hasBackends)
        {
            Error(Path(at, "backends"), "give either upstream or backends, not both");
            return OptionalString(fields, at, "upstream") ?? "";
        }
        if (hasBackends) return "";
        return RequiredString(fields, at, "upstream");
    }

    private RouteMatchDefinition? ReadMatch(Dictionary<string, JsonNode?> fields, string at)
    {
        if (Section(fields, at, "match") is not var (inner, sectionAt)) return null;
        var f = Fields(inner, sectionAt, "headers", "query", "cookies");
        return new RouteMatchDefinition
        {
            Headers = Conditions(f, sectionAt, "headers"),
            Query = Conditions(f, sectionAt, "query"),
            Cookies = Conditions(f, sectionAt, "cookies"),
        };
    }

    private ImmutableArray<MatchCondition> Conditions(Dictionary<string, JsonNode?> fields, string at, string name)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return [];
        var listAt = Path(at, name);
        if (node is not JsonArray array)
        {
            Error(listAt, "must be a list of conditions such as { name = X-Canary, value = always }");
            return [];
        }
        var result = ImmutableArray.CreateBuilder<MatchCondition>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var itemAt = $"{listAt}[{i}]";
            if (Object(array[i], itemAt) is not { } obj) continue;
            var f = Fields(obj, itemAt, "name", "value", "regex", "present");
            result.Add(new MatchCondition
            {
                Name = RequiredString(f, itemAt, "name"),
                Value = OptionalString(f, itemAt, "value"),
                Regex = OptionalString(f, itemAt, "regex"),
                Present = Boolean(f, itemAt, "present") ?? false,
            });
        }
        return result.ToImmutable();
    }

    private ImmutableArray<BackendDefinition> ReadBackends(Dictionary<string, JsonNode?> fields, string at)
    {
        if (!fields.TryGetValue("backends", out var node) || node is null) return [];
        var listAt = Path(at, "backends");
        if (node is not JsonArray array)
        {
            Error(listAt, "must be a list of backends such as { upstream = v1, weight = 90 }");
            return [];
        }
        var result = ImmutableArray.CreateBuilder<BackendDefinition>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var itemAt = $"{listAt}[{i}]";
            if (Object(array[i], itemAt) is not { } obj) continue;
            var f = Fields(obj, itemAt, "upstream", "weight");
            result.Add(new BackendDefinition
            {
                Upstream = RequiredString(f, itemAt, "upstream"),
                Weight = (int)(Integer(f, itemAt, "weight") ?? 1),
            });
        }
        return result.ToImmutable();
    }

    private StickyDefinition? ReadSticky(Dictionary<string, JsonNode?> fields, string at)
    {
        if (Section(fields, at, "sticky") is not var (inner, sectionAt)) return null;
        var f = Fields(inner, sectionAt, "key");
        return new StickyDefinition { Key = RequiredString(f, sectionAt, "key") };
    }

    private FallbackDefinition? ReadFallback(Dictionary<string, JsonNode?> fields, string at)
    {
        if (Section(fields, at, "fallback") is not var (inner, sectionAt)) return null;
        var f = Fields(inner, sectionAt, "status", "contentType", "body", "bodyFile", "on");
        var on = ImmutableArray.CreateBuilder<FallbackReason>();
        var names = StringList(f, sectionAt, "on");
        for (var i = 0; i < names.Length; i++)
        {
            if (TryParseFallbackReason(names[i], out var reason)) on.Add(reason);
            else Error($"{Path(sectionAt, "on")}[{i}]", $"'{names[i]}' is not one of unavailable, shed, timeout, error");
        }
        return new FallbackDefinition
        {
            Status = (int)(Integer(f, sectionAt, "status") ?? 200),
            ContentType = OptionalString(f, sectionAt, "contentType"),
            Body = OptionalString(f, sectionAt, "body"),
            BodyFile = OptionalString(f, sectionAt, "bodyFile"),
            On = on.ToImmutable(),
        };
    }

    /// <summary>Parses a fallback reason as written (<c>unavailable</c>, <c>shed</c>, <c>timeout</c>, <c>error</c>).</summary>
    public static bool TryParseFallbackReason(string text, out FallbackReason reason)
    {
        switch (Normalize(text))
        {
            case "unavailable": reason = FallbackReason.Unavailable; return true;
            case "shed": reason = FallbackReason.Shed; return true;
            case "timeout": reason = FallbackReason.Timeout; return true;
            case "error": reason = FallbackReason.Error; return true;
            default: reason = default; return false;
        }
    }
}
