using System.Collections.Immutable;
using Akka.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Upstreams;
using Gateway.Protocol.Validation;

namespace Gateway.Protocol.Configuration;

/// <summary>A set of upstreams and the routes onto them, as read from a HOCON file or a JSON document.</summary>
public sealed record GatewayDefinitions(ImmutableArray<UpstreamDefinition> Upstreams, ImmutableArray<RouteDefinition> Routes)
{
    /// <summary>No upstreams, no routes.</summary>
    public static readonly GatewayDefinitions Empty = new([], []);

    /// <summary>
    /// Reads <c>gateway.upstreams</c> and <c>gateway.routes</c> from <paramref name="config"/> and validates them together;
    /// every error names its field as the HOCON path (e.g. <c>gateway.routes[1].path</c>).
    /// </summary>
    public static (GatewayDefinitions Definitions, IReadOnlyList<ValidationError> Errors) FromConfig(Config config, string root = "gateway")
    {
        var reader = new DefinitionReader(kebabCase: true);
        var upstreams = reader.ReadList(HoconTree.At(config, $"{root}.upstreams"), $"{root}.upstreams", reader.ReadUpstream);
        var routes = reader.ReadList(HoconTree.At(config, $"{root}.routes"), $"{root}.routes", reader.ReadRoute);
        var definitions = new GatewayDefinitions(upstreams, routes);
        return (definitions, [.. reader.Errors, .. definitions.Validate($"{root}.", kebabCase: true)]);
    }

    /// <summary>
    /// Semantic errors across the whole set: each definition, duplicate names and ids, routes onto upstreams that are
    /// neither in the set nor among <paramref name="existingUpstreams"/> (those already stored elsewhere).
    /// </summary>
    public IReadOnlyList<ValidationError> Validate(string at = "", bool kebabCase = false, IEnumerable<string>? existingUpstreams = null)
    {
        var errors = new List<ValidationError>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var known = new HashSet<string>(existingUpstreams ?? [], StringComparer.Ordinal);
        for (var i = 0; i < Upstreams.Length; i++)
        {
            var upstreamAt = $"{at}upstreams[{i}]";
            errors.AddRange(DefinitionValidator.ValidateUpstream(Upstreams[i], upstreamAt, kebabCase));
            if (!string.IsNullOrEmpty(Upstreams[i].Name) && !names.Add(Upstreams[i].Name))
                errors.Add(new($"{upstreamAt}.name", $"upstream '{Upstreams[i].Name}' is defined twice"));
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Routes.Length; i++)
        {
            var routeAt = $"{at}routes[{i}]";
            errors.AddRange(DefinitionValidator.ValidateRoute(Routes[i], n => names.Contains(n) || known.Contains(n), routeAt, kebabCase));
            if (!string.IsNullOrEmpty(Routes[i].Id) && !ids.Add(Routes[i].Id))
                errors.Add(new($"{routeAt}.id", $"route '{Routes[i].Id}' is defined twice"));
        }
        return errors;
    }
}
