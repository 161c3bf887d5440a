namespace Gateway.Actors.Security;

/// <summary>What an authenticator decided: the identity, or why not.</summary>
/// <param name="Identity">Who the request proved to be; null when it did not.</param>
/// <param name="Error">Why the credentials do not hold (safe to show: never token content or a secret); null when none were sent.</param>
public readonly record struct AuthOutcome(GatewayIdentity? Identity, string? Error)
{
    /// <summary>A request that proved who it is.</summary>
    public static AuthOutcome Success(GatewayIdentity identity) => new(identity, null);

    /// <summary>A request with credentials that do not hold (<paramref name="error"/>), or none (null).</summary>
    public static AuthOutcome Failure(string? error) => new(null, error);
}
