using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Security;

/// <summary>One named auth policy, compiled once per node and shared by the routes that name it.</summary>
public abstract class RouteAuthenticator : IDisposable
{
    /// <summary>The policy name.</summary>
    public abstract string Name { get; }

    /// <summary>The request header other than <c>Authorization</c> that carries this policy's credentials, or null.</summary>
    public virtual string? CredentialHeader => null;

    /// <summary>The <c>WWW-Authenticate</c> challenge for a failure with <paramref name="error"/> (null when credentials were missing).</summary>
    public abstract string Challenge(string? error);

    /// <summary>Checks the credentials of <paramref name="context"/>.</summary>
    public abstract ValueTask<AuthOutcome> AuthenticateAsync(HttpContext context);

    /// <inheritdoc />
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
