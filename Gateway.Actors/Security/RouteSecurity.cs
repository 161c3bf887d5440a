using Gateway.Actors.Chain;
using Gateway.Actors.RateLimiting;
using Gateway.Protocol.Security;

namespace Gateway.Actors.Security;

/// <summary>
/// A route's compiled security steps, run before its rate limit: client address rules, CORS (preflights answered here,
/// never forwarded), then authentication, whose identity feeds claim headers and claim-keyed rate limits. A route
/// without one of these has no step for it; a route with none has no instance.
/// </summary>
public sealed class RouteSecurity
{
    /// <summary>Compiles the steps; <paramref name="missingPolicy"/> names an auth policy the route wants and this node lacks.</summary>
    internal RouteSecurity(IpRuleSet? ip, ClientAddressResolver clients, CorsPolicy? cors, RouteAuthenticator? auth,
        AuthPolicyDefinition? policy, string? missingPolicy)
    {
        var steps = new List<IRequestStep>(3);
        if (ip is not null) steps.Add(new ClientAddressStep(ip, clients));
        if (cors is not null) steps.Add(new CorsStep(cors));
        if (auth is not null || missingPolicy is not null) steps.Add(new AuthStep(auth, policy, missingPolicy));
        Steps = steps;
        Cors = cors;
    }

    /// <summary>The route's CORS policy, or null.</summary>
    public CorsPolicy? Cors { get; }

    /// <summary>The steps, in the order they run.</summary>
    internal IReadOnlyList<IRequestStep> Steps { get; }
}
