using System.Collections.Immutable;
using Akka.Configuration;
using Gateway.Protocol.Configuration;
using Gateway.Protocol.Routing;
using Gateway.Protocol.Validation;

namespace Gateway.Protocol.Security;

/// <summary>
/// Reads a node's named auth policies (<c>gateway.auth.NAME</c>) and checks that routes only name policies that exist.
/// </summary>
/// <remarks>
/// Policies are node config, not cluster state: they point at node-local things (a JWKS file, an environment variable
/// holding a secret) that cannot replicate, so every node carries the same <c>gateway.auth</c> block in its file.
/// </remarks>
public static class AuthPolicies
{
    /// <summary>The policies under <c>{root}.auth</c>, with every shape and meaning error named by its HOCON path.</summary>
    public static (ImmutableArray<AuthPolicyDefinition> Policies, IReadOnlyList<ValidationError> Errors) FromConfig(Config config, string root = "gateway")
    {
        var reader = new DefinitionReader(kebabCase: true);
        var policies = reader.ReadAuthPolicies(HoconTree.At(config, $"{root}.auth"), $"{root}.auth");
        var errors = new List<ValidationError>(reader.Errors);
        foreach (var policy in policies) errors.AddRange(DefinitionValidator.ValidateAuthPolicy(policy, $"{root}.auth.{policy.Name}"));
        return (policies, errors);
    }

    /// <summary>Errors for routes whose <c>auth</c> names a policy this node does not have.</summary>
    public static IReadOnlyList<ValidationError> CheckReferences(IReadOnlyList<RouteDefinition> routes, Func<string, bool> policyExists, string at = "", bool kebabCase = false)
    {
        var errors = new List<ValidationError>();
        for (var i = 0; i < routes.Count; i++)
        {
            if (routes[i].Auth is { } name && !policyExists(name))
                errors.Add(new(AuthField(at, i, routes.Count, kebabCase), $"auth policy '{name}' does not exist (define it under gateway.auth.{name})"));
        }
        return errors;
    }

    // A single route (an admin API body) is named by its field alone; a list by its index.
    private static string AuthField(string at, int index, int count, bool kebabCase) =>
        at.Length == 0 && count == 1 ? "auth" : $"{at}routes[{index}].auth";
}
