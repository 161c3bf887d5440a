using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Actors.Routing;

/// <summary>
/// A route's <c>match</c> conditions compiled once (regexes with a timeout), tested against a request after its host,
/// method and path matched. All conditions must hold. Routes without conditions carry none and pay nothing.
/// </summary>
public sealed class RouteConditions
{
    private readonly Condition[] _headers;
    private readonly Condition[] _query;
    private readonly Condition[] _cookies;

    private RouteConditions(Condition[] headers, Condition[] query, Condition[] cookies)
    {
        _headers = headers;
        _query = query;
        _cookies = cookies;
        Count = headers.Length + query.Length + cookies.Length;
    }

    /// <summary>Number of conditions; among routes with the same path, more conditions win.</summary>
    public int Count { get; }

    /// <summary>The compiled conditions of <paramref name="match"/>, or null when it has none.</summary>
    /// <exception cref="ArgumentException">A regex does not compile (the validator refuses such definitions first).</exception>
    public static RouteConditions? Compile(RouteMatchDefinition? match)
    {
        if (match is null || match.Count == 0) return null;
        return new RouteConditions(Build(match.Headers), Build(match.Query), Build(match.Cookies));
    }

    /// <summary>Whether every condition holds for <paramref name="request"/>.</summary>
    public bool Matches(HttpRequest request)
    {
        foreach (var c in _headers)
        {
            if (!c.Holds(request.Headers.TryGetValue(c.Name, out var values), values)) return false;
        }
        if (_query.Length > 0)
        {
            var query = request.Query;
            foreach (var c in _query)
            {
                if (!c.Holds(query.TryGetValue(c.Name, out var values), values)) return false;
            }
        }
        if (_cookies.Length > 0)
        {
            var cookies = request.Cookies;
            foreach (var c in _cookies)
            {
                var found = cookies.TryGetValue(c.Name, out var value);
                if (!c.Holds(found, found ? new StringValues(value) : StringValues.Empty)) return false;
            }
        }
        return true;
    }

    private static Condition[] Build(ImmutableArray<MatchCondition> conditions) => conditions.IsDefaultOrEmpty
        ? []
        : conditions.Select(c => new Condition(
            c.Name,
            c.Value,
            c.Regex is null ? null : new Regex(c.Regex, RegexOptions.CultureInvariant, DefinitionValidator.ConditionRegexTimeout))).ToArray();

    private sealed record Condition(string Name, string? Value, Regex? Pattern)
    {
        // Any one of a repeated header's (or query parameter's) values may satisfy the condition.
        public bool Holds(bool present, StringValues values)
        {
            if (!present) return false;
            if (Value is null && Pattern is null) return true;
            foreach (var value in values)
            {
                if (value is null) continue;
                if (Value is not null ? string.Equals(value, Value, StringComparison.Ordinal) : Matches(Pattern!, value)) return true;
            }
            return false;
        }

        private static bool Matches(Regex pattern, string value)
        {
            try
            {
                return pattern.IsMatch(value);
            }
            catch (RegexMatchTimeoutException)
            {
                // A value crafted to make the pattern backtrack does not match; it cannot hold the request thread.
                return false;
            }
        }
    }
}
