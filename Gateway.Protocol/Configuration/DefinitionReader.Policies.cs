using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Protocol.Upstreams;

namespace Gateway.Protocol.Configuration;

/// <summary>The upstream policy sections: circuit breaker, health check, retry.</summary>
public sealed partial class DefinitionReader
{
    private CircuitBreakerDefinition? ReadCircuitBreaker(Dictionary<string, JsonNode?> fields, string at)
    {
        if (Section(fields, at, "circuitBreaker") is not var (inner, sectionAt)) return null;
        var f = Fields(inner, sectionAt, "consecutiveFailures", "failureRatio", "minimumRequests", "window", "baseEjection", "maxEjection", "halfOpenTrials");
        return new CircuitBreakerDefinition
        {
            ConsecutiveFailures = (int?)Integer(f, sectionAt, "consecutiveFailures"),
            FailureRatio = Ratio(f, sectionAt, "failureRatio"),
            MinimumRequests = (int?)Integer(f, sectionAt, "minimumRequests"),
            Window = Duration(f, sectionAt, "window"),
            BaseEjection = Duration(f, sectionAt, "baseEjection"),
            MaxEjection = Duration(f, sectionAt, "maxEjection"),
            HalfOpenTrials = (int?)Integer(f, sectionAt, "halfOpenTrials"),
        };
    }

    private HealthCheckDefinition? ReadHealthCheck(Dictionary<string, JsonNode?> fields, string at)
    {
        if (Section(fields, at, "healthCheck") is not var (inner, sectionAt)) return null;
        var f = Fields(inner, sectionAt, "path", "interval", "timeout", "healthyThreshold", "unhealthyThreshold");
        return new HealthCheckDefinition
        {
            Path = RequiredString(f, sectionAt, "path"),
            Interval = Duration(f, sectionAt, "interval"),
            Timeout = Duration(f, sectionAt, "timeout"),
            HealthyThreshold = (int?)Integer(f, sectionAt, "healthyThreshold"),
            UnhealthyThreshold = (int?)Integer(f, sectionAt, "unhealthyThreshold"),
        };
    }

    private RetryDefinition? ReadRetry(Dictionary<string, JsonNode?> fields, string at)
    {
        if (Section(fields, at, "retry") is not var (inner, sectionAt)) return null;
        var f = Fields(inner, sectionAt, "attempts", "methods", "budget", "backoff", "overallTimeout");
        return new RetryDefinition
        {
            Attempts = (int?)Integer(f, sectionAt, "attempts"),
            Methods = f.ContainsKey("methods") ? StringList(f, sectionAt, "methods").Select(m => m.ToUpperInvariant()).ToImmutableArray() : null,
            Budget = Ratio(f, sectionAt, "budget"),
            Backoff = Duration(f, sectionAt, "backoff"),
            OverallTimeout = Duration(f, sectionAt, "overallTimeout"),
        };
    }

    private Routing.RateLimitDefinition? ReadRateLimit(Dictionary<string, JsonNode?> fields, string at)
    {
        if (Section(fields, at, "rateLimit") is not var (inner, sectionAt)) return null;
        var f = Fields(inner, sectionAt, "key", "algorithm", "limit", "period", "burst", "scope");
        var defaults = new Routing.RateLimitDefinition();
        return new Routing.RateLimitDefinition
        {
            Key = OptionalString(f, sectionAt, "key") ?? defaults.Key,
            Algorithm = OptionalString(f, sectionAt, "algorithm") ?? defaults.Algorithm,
            Limit = (int)(Integer(f, sectionAt, "limit") ?? RequiredMissing(sectionAt, "limit")),
            Period = Duration(f, sectionAt, "period") ?? defaults.Period,
            Burst = (int?)Integer(f, sectionAt, "burst"),
            Scope = OptionalString(f, sectionAt, "scope") ?? defaults.Scope,
        };

        long RequiredMissing(string where, string name)
        {
            if (!f.ContainsKey(name)) Error(Path(where, name), "is required");
            return 0;
        }
    }

    private long? ByteSize(Dictionary<string, JsonNode?> fields, string at, string name)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return null;
        var text = Scalar(node)?.Trim() ?? "";
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits])) digits++;
        long? multiplier = text[digits..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1024,
            "M" or "MB" or "MIB" => 1024 * 1024,
            "G" or "GB" or "GIB" => 1024L * 1024 * 1024,
            _ => null,
        };
        if (digits > 0 && multiplier is { } m && long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= long.MaxValue / m)
            return n * m;
        Error(Path(at, name), $"'{text}' is not a size such as 512KB, 10MB or 1048576");
        return null;
    }

    private bool? Boolean(Dictionary<string, JsonNode?> fields, string at, string name)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return null;
        switch (Scalar(node)?.ToLowerInvariant())
        {
            case "true" or "on" or "yes": return true;
            case "false" or "off" or "no": return false;
            default:
                Error(Path(at, name), "must be true or false");
                return null;
        }
    }

    private (JsonObject Inner, string At)? Section(Dictionary<string, JsonNode?> fields, string at, string name)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return null;
        var sectionAt = Path(at, name);
        return Object(node, sectionAt) is { } obj ? (obj, sectionAt) : null;
    }

    private double? Ratio(Dictionary<string, JsonNode?> fields, string at, string name)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return null;
        if (Scalar(node) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1)
            return value;
        Error(Path(at, name), "must be a number from 0 to 1");
        return null;
    }
}
