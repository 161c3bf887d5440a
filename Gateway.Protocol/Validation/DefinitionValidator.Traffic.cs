using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;

namespace Gateway.Protocol.Validation;

/// <summary>Checks of a route's match conditions, backends, sticky key and fallback, and of an upstream's hash key.</summary>
public static partial class DefinitionValidator
{
    /// <summary>Most backends a route may split across.</summary>
    public const int MaxBackends = 16;

    /// <summary>Most conditions in one list of a route's <c>match</c>.</summary>
    public const int MaxConditions = 16;

    /// <summary>Longest condition regex, in characters.</summary>
    public const int MaxConditionRegexLength = 512;

    /// <summary>Largest inline fallback body, in characters.</summary>
    public const int MaxFallbackBody = 64 * 1024;

    /// <summary>How long one condition regex may run against one value before the condition counts as not matching.</summary>
    public static readonly TimeSpan ConditionRegexTimeout = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether <paramref name="key"/> is a request key kind: <c>header:NAME</c>, <c>cookie:NAME</c>, <c>client-ip</c>, <c>claim:NAME</c> or <c>api-key</c>.</summary>
    public static bool IsRequestKey(string key) =>
        key is "client-ip" or "api-key"
        || key.StartsWith("header:", StringComparison.Ordinal) && TokenPattern().IsMatch(key[7..])
        || key.StartsWith("cookie:", StringComparison.Ordinal) && TokenPattern().IsMatch(key[7..])
        || key.StartsWith("claim:", StringComparison.Ordinal) && key.Length > 6;

    private const string RequestKeyKinds = "header:NAME, cookie:NAME, client-ip, claim:NAME, api-key";

    private static void ValidateTraffic(RouteDefinition route, Func<string, bool> upstreamExists, Func<string, string> field, List<ValidationError> errors)
    {
        if (route.Match is { } match)
        {
            var at = field("match");
            ValidateConditions(match.Headers, $"{at}.headers", header: true, errors);
            ValidateConditions(match.Query, $"{at}.query", header: false, errors);
            ValidateConditions(match.Cookies, $"{at}.cookies", header: false, errors);
        }

        if (!route.Backends.IsDefaultOrEmpty)
        {
            var at = field("backends");
            if (route.Backends.Length > MaxBackends) errors.Add(new(at, $"at most {MaxBackends} backends"));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < route.Backends.Length; i++)
            {
                var backend = route.Backends[i];
                if (string.IsNullOrEmpty(backend.Upstream)) continue;
                if (!upstreamExists(backend.Upstream))
                    errors.Add(new($"{at}[{i}].upstream", $"upstream '{backend.Upstream}' does not exist"));
                else if (!seen.Add(backend.Upstream))
                    errors.Add(new($"{at}[{i}].upstream", $"upstream '{backend.Upstream}' is listed twice"));
                if (backend.Weight is < 0 or > 10_000)
                    errors.Add(new($"{at}[{i}].weight", "must be between 0 and 10000"));
            }
            if (route.Backends.All(b => b.Weight <= 0))
                errors.Add(new(at, "needs a backend with a weight above 0"));
        }

        if (route.Sticky is { } sticky)
        {
            var at = field("sticky");
            if (route.Backends.IsDefaultOrEmpty) errors.Add(new(at, "needs backends to choose among"));
            if (!string.IsNullOrEmpty(sticky.Key) && !IsRequestKey(sticky.Key))
                errors.Add(new($"{at}.key", $"'{sticky.Key}' is not one of {RequestKeyKinds}"));
        }

        if (route.Fallback is { } fallback)
        {
            var at = field("fallback");
            if (fallback.Status is < 200 or > 599)
                errors.Add(new($"{at}.status", "must be between 200 and 599"));
            if (fallback.ContentType is { } type && (type.Length == 0 || type.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0))
                errors.Add(new($"{at}.{Name(field, "contentType")}", "must be a media type without CR, LF or NUL"));
            if (fallback.Body is not null && fallback.BodyFile is not null)
                errors.Add(new(at, "give either body or body-file, not both"));
            if (fallback.Body is { Length: > MaxFallbackBody })
                errors.Add(new($"{at}.body", $"must be at most {MaxFallbackBody} characters (use body-file for more)"));
            if (fallback.BodyFile is { } file && (file.Length == 0 || file.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0))
                errors.Add(new($"{at}.{Name(field, "bodyFile")}", "must be a file path"));
        }
    }

    private static void ValidateConditions(ImmutableArray<MatchCondition> conditions, string at, bool header, List<ValidationError> errors)
    {
        if (conditions.IsDefaultOrEmpty) return;
        if (conditions.Length > MaxConditions) errors.Add(new(at, $"at most {MaxConditions} conditions"));
        for (var i = 0; i < conditions.Length; i++)
        {
            var c = conditions[i];
            var itemAt = $"{at}[{i}]";
            if (header && !string.IsNullOrEmpty(c.Name) && !TokenPattern().IsMatch(c.Name))
                errors.Add(new($"{itemAt}.name", $"'{c.Name}' is not a valid header name"));
            var kinds = (c.Value is not null ? 1 : 0) + (c.Regex is not null ? 1 : 0) + (c.Present ? 1 : 0);
            if (kinds != 1)
                errors.Add(new(itemAt, "give exactly one of value, regex or present = true"));
            if (c.Regex is { } pattern)
            {
                if (pattern.Length > MaxConditionRegexLength)
                    errors.Add(new($"{itemAt}.regex", $"must be at most {MaxConditionRegexLength} characters"));
                else if (!TryCompile(pattern, out var error))
                    errors.Add(new($"{itemAt}.regex", $"'{pattern}' is not a valid regular expression: {error}"));
            }
        }
    }

    private static bool TryCompile(string pattern, out string? error)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, ConditionRegexTimeout);
            error = null;
            return true;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
    }

    private static void ValidateHashKey(UpstreamDefinition upstream, Func<string, string> field, List<ValidationError> errors)
    {
        var at = field("hashKey");
        if (upstream.LoadBalancing == LoadBalancingMode.ConsistentHash)
        {
            if (string.IsNullOrEmpty(upstream.HashKey)) errors.Add(new(at, "is required with load-balancing = consistent-hash"));
            else if (!IsRequestKey(upstream.HashKey)) errors.Add(new(at, $"'{upstream.HashKey}' is not one of {RequestKeyKinds}"));
        }
        else if (upstream.HashKey is not null)
        {
            errors.Add(new(at, "applies only with load-balancing = consistent-hash"));
        }
    }
}
