using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;

namespace Gateway.Protocol.Serialization;

/// <summary>
/// Writes route and upstream definitions as the camelCase JSON the admin API accepts, and reads them back through
/// <see cref="DefinitionReader"/>, so the admin API, Distributed Data and the journal share one model and one reader.
/// </summary>
/// <remarks>Output is canonical (fields in a fixed order, header names sorted), so two equal definitions write equal text.</remarks>
public static class DefinitionJson
{
    /// <summary>Options for the gateway's JSON: camelCase, definitions through this class's converters.</summary>
    public static readonly JsonSerializerOptions Options = CreateOptions();

    /// <summary>The JSON object of <paramref name="route"/>; optional fields are left out when unset.</summary>
    public static JsonObject ToJson(RouteDefinition route)
    {
        var obj = new JsonObject { ["id"] = route.Id, ["path"] = route.Path };
        if (!string.IsNullOrEmpty(route.Upstream) || route.Backends.IsDefaultOrEmpty) obj["upstream"] = route.Upstream;
        if (!route.Hosts.IsDefaultOrEmpty) obj["hosts"] = Strings(route.Hosts);
        if (!route.Methods.IsDefaultOrEmpty) obj["methods"] = Strings(route.Methods);
        if (route.Order != 0) obj["order"] = route.Order;
        if (route.Rewrite is { } rewrite)
        {
            var r = new JsonObject();
            if (rewrite.StripPrefix is not null) r["stripPrefix"] = rewrite.StripPrefix;
            if (rewrite.Template is not null) r["template"] = rewrite.Template;
            obj["rewrite"] = r;
        }
        if (route.Timeout is { } timeout) obj["timeout"] = Duration(timeout);
        if (!route.RequestHeaders.IsEmpty) obj["requestHeaders"] = Headers(route.RequestHeaders);
        if (!route.ResponseHeaders.IsEmpty) obj["responseHeaders"] = Headers(route.ResponseHeaders);
        if (route.MaxRequestBodySize is { } maxBody) obj["maxRequestBodySize"] = maxBody;
        if (route.AllowEncodedSlashes) obj["allowEncodedSlashes"] = true;
        if (route.RateLimit is { } limit) obj["rateLimit"] = ToJson(limit);
        if (route.Cache is { } cache) obj["cache"] = CacheDefinitionJson.ToJson(cache);
        if (route.Auth is { } auth) obj["auth"] = auth;
        if (route.Cors is { } cors) obj["cors"] = SecurityJson.ToJson(cors);
        if (route.IpRules is { } ipRules) obj["ipRules"] = SecurityJson.ToJson(ipRules);
        TrafficJson.AddTo(obj, route);
        obj["version"] = route.Version;
        return obj;
    }

    /// <summary>The JSON object of <paramref name="upstream"/>; unset limits are left out.</summary>
    public static JsonObject ToJson(UpstreamDefinition upstream)
    {
        var endpoints = new JsonArray();
        foreach (var e in upstream.Endpoints.IsDefault ? [] : upstream.Endpoints) endpoints.Add(new JsonObject { ["url"] = e.Url, ["weight"] = e.Weight });
        var obj = new JsonObject { ["name"] = upstream.Name, ["endpoints"] = endpoints };
        if (upstream.LoadBalancing is { } mode) obj["loadBalancing"] = LoadBalancingName(mode);
        if (upstream.HashKey is { } hashKey) obj["hashKey"] = hashKey;
        if (upstream.MaxInFlight is { } inFlight) obj["maxInFlight"] = inFlight;
        if (upstream.MaxQueued is { } queued) obj["maxQueued"] = queued;
        if (upstream.ConnectTimeout is { } connect) obj["connectTimeout"] = Duration(connect);
        if (upstream.RequestTimeout is { } request) obj["requestTimeout"] = Duration(request);
        if (upstream.CircuitBreaker is { } breaker) obj["circuitBreaker"] = ToJson(breaker);
        if (upstream.HealthCheck is { } health) obj["healthCheck"] = ToJson(health);
        if (upstream.Retry is { } retry) obj["retry"] = ToJson(retry);
        obj["version"] = upstream.Version;
        return obj;
    }

    private static JsonObject ToJson(RateLimitDefinition limit)
    {
        var obj = new JsonObject { ["key"] = limit.Key, ["algorithm"] = limit.Algorithm, ["limit"] = limit.Limit, ["period"] = Duration(limit.Period) };
        if (limit.Burst is { } burst) obj["burst"] = burst;
        obj["scope"] = limit.Scope;
        return obj;
    }

    private static JsonObject ToJson(CircuitBreakerDefinition breaker)
    {
        var obj = new JsonObject();
        if (breaker.ConsecutiveFailures is { } failures) obj["consecutiveFailures"] = failures;
        if (breaker.FailureRatio is { } ratio) obj["failureRatio"] = ratio;
        if (breaker.MinimumRequests is { } minimum) obj["minimumRequests"] = minimum;
        if (breaker.Window is { } window) obj["window"] = Duration(window);
        if (breaker.BaseEjection is { } baseEjection) obj["baseEjection"] = Duration(baseEjection);
        if (breaker.MaxEjection is { } maxEjection) obj["maxEjection"] = Duration(maxEjection);
        if (breaker.HalfOpenTrials is { } trials) obj["halfOpenTrials"] = trials;
        return obj;
    }

    private static JsonObject ToJson(HealthCheckDefinition health)
    {
        var obj = new JsonObject { ["path"] = health.Path };
        if (health.Interval is { } interval) obj["interval"] = Duration(interval);
        if (health.Timeout is { } timeout) obj["timeout"] = Duration(timeout);
        if (health.HealthyThreshold is { } healthy) obj["healthyThreshold"] = healthy;
        if (health.UnhealthyThreshold is { } unhealthy) obj["unhealthyThreshold"] = unhealthy;
        return obj;
    }

    private static JsonObject ToJson(RetryDefinition retry)
    {
        var obj = new JsonObject();
        if (retry.Attempts is { } attempts) obj["attempts"] = attempts;
        if (retry.Methods is { } methods) obj["methods"] = Strings(methods);
        if (retry.Budget is { } budget) obj["budget"] = budget;
        if (retry.Backoff is { } backoff) obj["backoff"] = Duration(backoff);
        if (retry.OverallTimeout is { } overall) obj["overallTimeout"] = Duration(overall);
        return obj;
    }

    /// <summary>Reads a route written by <see cref="ToJson(RouteDefinition)"/>.</summary>
    /// <exception cref="JsonException">The JSON is not a valid route shape.</exception>
    public static RouteDefinition ReadRoute(JsonNode? node)
    {
        var reader = new DefinitionReader(kebabCase: false);
        var route = reader.ReadRoute(node, "");
        return reader.Errors.Count == 0 && route is not null ? route : throw new JsonException("invalid route: " + string.Join("; ", reader.Errors));
    }

    /// <summary>Reads an upstream written by <see cref="ToJson(UpstreamDefinition)"/>.</summary>
    /// <exception cref="JsonException">The JSON is not a valid upstream shape.</exception>
    public static UpstreamDefinition ReadUpstream(JsonNode? node)
    {
        var reader = new DefinitionReader(kebabCase: false);
        var upstream = reader.ReadUpstream(node, "");
        return reader.Errors.Count == 0 && upstream is not null ? upstream : throw new JsonException("invalid upstream: " + string.Join("; ", reader.Errors));
    }

    /// <summary>Text of <paramref name="route"/> without its version: equal for definitions that route alike.</summary>
    public static string Shape(RouteDefinition route) => ToJson(route with { Version = 0 }).ToJsonString();

    /// <summary>Text of <paramref name="upstream"/> without its version.</summary>
    public static string Shape(UpstreamDefinition upstream) => ToJson(upstream with { Version = 0 }).ToJsonString();

    /// <summary>The spelling used in HOCON and JSON for <paramref name="mode"/>.</summary>
    public static string LoadBalancingName(LoadBalancingMode mode) => mode switch
    {
        LoadBalancingMode.Weighted => "weighted",
        LoadBalancingMode.PowerOfTwoChoices => "power-of-two-choices",
        LoadBalancingMode.ConsistentHash => "consistent-hash",
        _ => "round-robin",
    };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static string Duration(TimeSpan value) => value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";

    private static JsonObject Headers(HeaderTransforms headers)
    {
        var obj = new JsonObject();
        if (headers.Add.Count > 0)
        {
            var add = new JsonObject();
            foreach (var (name, value) in headers.Add.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase)) add[name] = value;
            obj["add"] = add;
        }
        if (!headers.Remove.IsDefaultOrEmpty) obj["remove"] = Strings(headers.Remove);
        return obj;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new RouteConverter());
        options.Converters.Add(new UpstreamConverter());
        options.MakeReadOnly();
        return options;
    }

    private sealed class RouteConverter : JsonConverter<RouteDefinition>
    {
        public override RouteDefinition Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ReadRoute(JsonNode.Parse(ref reader));

        public override void Write(Utf8JsonWriter writer, RouteDefinition value, JsonSerializerOptions options) =>
            ToJson(value).WriteTo(writer);
    }

    private sealed class UpstreamConverter : JsonConverter<UpstreamDefinition>
    {
        public override UpstreamDefinition Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ReadUpstream(JsonNode.Parse(ref reader));

        public override void Write(Utf8JsonWriter writer, UpstreamDefinition value, JsonSerializerOptions options) =>
            ToJson(value).WriteTo(writer);
    }
}
