using Gateway.Protocol.Upstreams;

namespace Gateway.Protocol.Validation;

/// <summary>Checks of an upstream's circuit breaker, health check and retry sections.</summary>
public static partial class DefinitionValidator
{
    private static void ValidatePolicies(UpstreamDefinition upstream, Func<string, string> field, List<ValidationError> errors)
    {
        if (upstream.CircuitBreaker is { } cb)
        {
            var at = field("circuitBreaker");
            AtLeast(cb.ConsecutiveFailures, 1, $"{at}.{Name(field, "consecutiveFailures")}", errors);
            AtLeast(cb.MinimumRequests, 1, $"{at}.{Name(field, "minimumRequests")}", errors);
            AtLeast(cb.HalfOpenTrials, 1, $"{at}.{Name(field, "halfOpenTrials")}", errors);
            Positive(cb.Window, $"{at}.window", errors);
            Positive(cb.BaseEjection, $"{at}.{Name(field, "baseEjection")}", errors);
            Positive(cb.MaxEjection, $"{at}.{Name(field, "maxEjection")}", errors);
            if (cb.BaseEjection is { } b && cb.MaxEjection is { } m && m < b)
                errors.Add(new($"{at}.{Name(field, "maxEjection")}", "must not be shorter than base-ejection"));
        }

        if (upstream.HealthCheck is { } hc)
        {
            var at = field("healthCheck");
            if (!string.IsNullOrEmpty(hc.Path) && (hc.Path[0] != '/' || hc.Path.AsSpan().IndexOfAny("\r\n #") >= 0))
                errors.Add(new($"{at}.path", $"'{hc.Path}' must be a path starting with '/'"));
            Positive(hc.Interval, $"{at}.interval", errors);
            Positive(hc.Timeout, $"{at}.timeout", errors);
            AtLeast(hc.HealthyThreshold, 1, $"{at}.{Name(field, "healthyThreshold")}", errors);
            AtLeast(hc.UnhealthyThreshold, 1, $"{at}.{Name(field, "unhealthyThreshold")}", errors);
        }

        if (upstream.Retry is { } retry)
        {
            var at = field("retry");
            if (retry.Attempts is < 1 or > 10) errors.Add(new($"{at}.attempts", "must be between 1 and 10"));
            if (retry.Backoff is { } backoff && backoff < TimeSpan.Zero) errors.Add(new($"{at}.backoff", "must not be negative"));
            Positive(retry.OverallTimeout, $"{at}.{Name(field, "overallTimeout")}", errors);
            if (retry.Methods is { } methods)
            {
                for (var i = 0; i < methods.Length; i++)
                {
                    if (!TokenPattern().IsMatch(methods[i])) errors.Add(new($"{at}.methods[{i}]", $"'{methods[i]}' is not an HTTP method"));
                }
            }
        }
    }

    // The field function renders a top-level name; a nested one follows the same casing.
    private static string Name(Func<string, string> field, string camel)
    {
        var rendered = field(camel);
        var dot = rendered.LastIndexOf('.');
        return dot >= 0 ? rendered[(dot + 1)..] : rendered;
    }

    private static void AtLeast(int? value, int min, string at, List<ValidationError> errors)
    {
        if (value < min) errors.Add(new(at, $"must be at least {min}"));
    }

    private static void Positive(TimeSpan? value, string at, List<ValidationError> errors)
    {
        if (value is { } v && v <= TimeSpan.Zero) errors.Add(new(at, "must be greater than zero"));
    }
}
