using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Gateway.Protocol.Validation;

namespace Gateway.Protocol.Configuration;

/// <summary>
/// Reads route and upstream definitions from a JSON tree (JSON bodies, or HOCON through <see cref="HoconTree"/>),
/// collecting every shape error with its field path instead of stopping at the first.
/// </summary>
/// <remarks>Keys match without regard to case, '-' or '_', so <c>max-in-flight</c> and <c>maxInFlight</c> are one field.</remarks>
public sealed partial class DefinitionReader
{
    private readonly List<ValidationError> _errors = [];
    private readonly bool _kebab;

    /// <summary>Creates a reader; <paramref name="kebabCase"/> names fields in errors the HOCON way, otherwise camelCase.</summary>
    public DefinitionReader(bool kebabCase) => _kebab = kebabCase;

    /// <summary>Errors found so far.</summary>
    public IReadOnlyList<ValidationError> Errors => _errors;

    /// <summary>Reads a route object found at <paramref name="at"/> (e.g. <c>routes[0]</c>, or empty for a body).</summary>
    public RouteDefinition? ReadRoute(JsonNode? node, string at)
    {
        if (Object(node, at) is not { } obj) return null;
        var fields = Fields(obj, at, "id", "path", "upstream", "hosts", "methods", "order", "rewrite", "timeout", "requestHeaders", "responseHeaders", "rateLimit", "maxRequestBodySize", "allowEncodedSlashes", "cache", "auth", "cors", "ipRules", "version",
            "match", "backends", "sticky", "fallback");
        var backends = ReadBackends(fields, at);
        return new RouteDefinition
        {
            Id = RequiredString(fields, at, "id"),
            Path = RequiredString(fields, at, "path"),
            Upstream = ReadRouteUpstream(fields, at, backends),
            Hosts = StringList(fields, at, "hosts"),
            Methods = StringList(fields, at, "methods").Select(m => m.ToUpperInvariant()).ToImmutableArray(),
            Order = (int)(Integer(fields, at, "order") ?? 0),
            Rewrite = ReadRewrite(fields, at),
            Timeout = Duration(fields, at, "timeout"),
            RequestHeaders = ReadHeaders(fields, at, "requestHeaders"),
            ResponseHeaders = ReadHeaders(fields, at, "responseHeaders"),
            RateLimit = ReadRateLimit(fields, at),
            MaxRequestBodySize = ByteSize(fields, at, "maxRequestBodySize"),
            AllowEncodedSlashes = Boolean(fields, at, "allowEncodedSlashes") ?? false,
            Cache = ReadCache(fields, at),
            Auth = OptionalString(fields, at, "auth"),
            Cors = ReadCors(fields, at),
            IpRules = ReadIpRules(fields, at),
            Version = Integer(fields, at, "version", 0, long.MaxValue) ?? 0,
            Match = ReadMatch(fields, at),
            Backends = backends,
            Sticky = ReadSticky(fields, at),
            Fallback = ReadFallback(fields, at),
        };
    }

    /// <summary>Reads an upstream object found at <paramref name="at"/>.</summary>
    public UpstreamDefinition? ReadUpstream(JsonNode? node, string at)
    {
        if (Object(node, at) is not { } obj) return null;
        var fields = Fields(obj, at, "name", "endpoints", "loadBalancing", "maxInFlight", "maxQueued", "connectTimeout", "requestTimeout", "circuitBreaker", "healthCheck", "retry", "version", "hashKey");
        var endpoints = ImmutableArray.CreateBuilder<EndpointDefinition>();
        if (fields.TryGetValue("endpoints", out var list))
        {
            var listAt = Path(at, "endpoints");
            if (list is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    if (ReadEndpoint(array[i], $"{listAt}[{i}]") is { } endpoint) endpoints.Add(endpoint);
                }
            }
            else
            {
                Error(listAt, "must be a list of endpoints");
            }
        }
        else
        {
            Error(Path(at, "endpoints"), "is required");
        }

        return new UpstreamDefinition
        {
            Name = RequiredString(fields, at, "name"),
            Endpoints = endpoints.ToImmutable(),
            LoadBalancing = ReadLoadBalancing(fields, at),
            MaxInFlight = (int?)Integer(fields, at, "maxInFlight"),
            MaxQueued = (int?)Integer(fields, at, "maxQueued"),
            ConnectTimeout = Duration(fields, at, "connectTimeout"),
            RequestTimeout = Duration(fields, at, "requestTimeout"),
            CircuitBreaker = ReadCircuitBreaker(fields, at),
            HealthCheck = ReadHealthCheck(fields, at),
            Retry = ReadRetry(fields, at),
            HashKey = OptionalString(fields, at, "hashKey"),
            Version = Integer(fields, at, "version", 0, long.MaxValue) ?? 0,
        };
    }

    /// <summary>Reads a list of routes or upstreams found at <paramref name="at"/>; absent means empty.</summary>
    public ImmutableArray<T> ReadList<T>(JsonNode? node, string at, Func<JsonNode?, string, T?> read) where T : class
    {
        if (node is null) return [];
        if (node is not JsonArray array)
        {
            Error(at, "must be a list");
            return [];
        }
        var result = ImmutableArray.CreateBuilder<T>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (read(array[i], $"{at}[{i}]") is { } item) result.Add(item);
        }
        return result.ToImmutable();
    }

    private EndpointDefinition? ReadEndpoint(JsonNode? node, string at)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var bare)) return new EndpointDefinition { Url = bare };
        if (Object(node, at) is not { } obj) return null;
        var fields = Fields(obj, at, "url", "weight");
        return new EndpointDefinition
        {
            Url = RequiredString(fields, at, "url"),
            Weight = (int)(Integer(fields, at, "weight") ?? 1),
        };
    }

    private RouteRewrite? ReadRewrite(Dictionary<string, JsonNode?> fields, string at)
    {
        if (!fields.TryGetValue("rewrite", out var node) || node is null) return null;
        var rewriteAt = Path(at, "rewrite");
        if (Object(node, rewriteAt) is not { } obj) return null;
        var inner = Fields(obj, rewriteAt, "stripPrefix", "template");
        return new RouteRewrite { StripPrefix = OptionalString(inner, rewriteAt, "stripPrefix"), Template = OptionalString(inner, rewriteAt, "template") };
    }

    private HeaderTransforms ReadHeaders(Dictionary<string, JsonNode?> fields, string at, string name)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return HeaderTransforms.Empty;
        var headersAt = Path(at, name);
        if (Object(node, headersAt) is not { } obj) return HeaderTransforms.Empty;
        var inner = Fields(obj, headersAt, "add", "remove");
        var add = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        if (inner.TryGetValue("add", out var addNode) && addNode is not null)
        {
            if (addNode is JsonObject addObj)
            {
                // Header names are data here, not fields: keep them as written.
                foreach (var (header, value) in addObj)
                {
                    if (Scalar(value) is { } text) add[header] = text;
                    else Error($"{Path(headersAt, "add")}.{header}", "must be a string");
                }
            }
            else
            {
                Error(Path(headersAt, "add"), "must be an object of header name to value");
            }
        }
        var remove = StringList(inner, headersAt, "remove");
        return add.Count == 0 && remove.IsEmpty ? HeaderTransforms.Empty : new HeaderTransforms { Add = add.ToImmutable(), Remove = remove };
    }

    private LoadBalancingMode? ReadLoadBalancing(Dictionary<string, JsonNode?> fields, string at)
    {
        if (OptionalString(fields, at, "loadBalancing") is not { } text) return null;
        if (TryParseLoadBalancing(text, out var mode)) return mode;
        Error(Path(at, "loadBalancing"), $"'{text}' is not one of round-robin, weighted, power-of-two-choices, consistent-hash");
        return null;
    }

    /// <summary>Parses a load-balancing name in any of its spellings (<c>round-robin</c>, <c>RoundRobin</c>, <c>p2c</c>).</summary>
    public static bool TryParseLoadBalancing(string text, out LoadBalancingMode mode)
    {
        switch (Normalize(text))
        {
            case "roundrobin": mode = LoadBalancingMode.RoundRobin; return true;
            case "weighted" or "weightedroundrobin": mode = LoadBalancingMode.Weighted; return true;
            case "poweroftwochoices" or "p2c" or "leastinflight": mode = LoadBalancingMode.PowerOfTwoChoices; return true;
            case "consistenthash" or "ringhash": mode = LoadBalancingMode.ConsistentHash; return true;
            default: mode = default; return false;
        }
    }

    private JsonObject? Object(JsonNode? node, string at)
    {
        if (node is JsonObject obj) return obj;
        Error(at, node is null ? "is required" : "must be an object");
        return null;
    }

    private Dictionary<string, JsonNode?> Fields(JsonObject obj, string at, params string[] known)
    {
        var byKey = known.ToDictionary(Normalize, k => k);
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (byKey.TryGetValue(Normalize(key), out var canonical)) result[canonical] = value;
            else Error(string.IsNullOrEmpty(at) ? key : $"{at}.{key}", $"unknown field (known: {string.Join(", ", known.Select(Name))})");
        }
        return result;
    }

    private string RequiredString(Dictionary<string, JsonNode?> fields, string at, string name)
    {
        if (!fields.TryGetValue(name, out var node) || node is null)
        {
            Error(Path(at, name), "is required");
            return "";
        }
        var value = OptionalString(fields, at, name);
        if (value is not null && string.IsNullOrWhiteSpace(value)) Error(Path(at, name), "must not be empty");
        return value ?? "";
    }

    private string? OptionalString(Dictionary<string, JsonNode?> fields, string at, string name)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return null;
        if (Scalar(node) is { } text) return text;
        Error(Path(at, name), "must be a string");
        return null;
    }

    private long? Integer(Dictionary<string, JsonNode?> fields, string at, string name, long min = int.MinValue, long max = int.MaxValue)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return null;
        if (Scalar(node) is { } text && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }
        Error(Path(at, name), "must be a whole number");
        return null;
    }

    private TimeSpan? Duration(Dictionary<string, JsonNode?> fields, string at, string name)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return null;
        if (Scalar(node) is { } text && DurationParser.TryParse(text, out var value)) return value;
        Error(Path(at, name), $"'{Scalar(node) ?? node.ToJsonString()}' is not a duration such as 250ms, 5s or 1m");
        return null;
    }

    private ImmutableArray<string> StringList(Dictionary<string, JsonNode?> fields, string at, string name)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return [];
        if (node is JsonArray array)
        {
            var result = ImmutableArray.CreateBuilder<string>(array.Count);
            for (var i = 0; i < array.Count; i++)
            {
                if (Scalar(array[i]) is { } text) result.Add(text);
                else Error($"{Path(at, name)}[{i}]", "must be a string");
            }
            return result.ToImmutable();
        }
        if (Scalar(node) is { } single) return [single];
        Error(Path(at, name), "must be a list of strings");
        return [];
    }

    private static string? Scalar(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    private void Error(string field, string message) => _errors.Add(new ValidationError(field, message));

    private string Path(string at, string name) => string.IsNullOrEmpty(at) ? Name(name) : $"{at}.{Name(name)}";

    private string Name(string camel) => _kebab ? ToKebab(camel) : camel;

    /// <summary>camelCase to kebab-case (<c>maxInFlight</c> to <c>max-in-flight</c>).</summary>
    public static string ToKebab(string camel) =>
        string.Concat(camel.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static string Normalize(string key) => key.Replace("-", "").Replace("_", "").ToLowerInvariant();
}
