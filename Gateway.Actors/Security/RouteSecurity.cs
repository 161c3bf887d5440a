using Gateway.Actors.Forwarding;
using Gateway.Actors.RateLimiting;
using Gateway.Protocol.Security;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Security;

/// <summary>
/// A route's compiled security chain, run before its rate limit: client address rules, CORS (preflights answered here,
/// never forwarded), then authentication, whose identity feeds claim headers and claim-keyed rate limits.
/// Routes with none of these have no instance: the hot path pays one null check.
/// </summary>
public sealed class RouteSecurity
{
    private readonly IpRuleSet? _ip;
    private readonly ClientAddressResolver _clients;
    private readonly RouteAuthenticator? _auth;
    private readonly string? _missingPolicy;
    private readonly KeyValuePair<string, string>[] _forwardClaims;

    /// <summary>Compiles the chain; <paramref name="missingPolicy"/> names an auth policy the route wants and this node lacks.</summary>
    internal RouteSecurity(IpRuleSet? ip, ClientAddressResolver clients, CorsPolicy? cors, RouteAuthenticator? auth,
        AuthPolicyDefinition? policy, string? missingPolicy)
    {
        _ip = ip;
        _clients = clients;
        Cors = cors;
        _auth = auth;
        _missingPolicy = missingPolicy;
        _forwardClaims = policy?.ForwardClaims.ToArray() ?? [];
    }

    /// <summary>The request header other than <c>Authorization</c> carrying the route's credentials (the API-key header), or null.</summary>
    public string? CredentialHeader => _auth?.CredentialHeader;

    /// <summary>The route's CORS policy, or null.</summary>
    public CorsPolicy? Cors { get; }

    /// <summary>
    /// Runs the chain. Returns null to let the request go on, else the status of the answer it wrote (403 address or
    /// preflight refused, 204 preflight answered, 401 not authenticated, 503 policy missing on this node).
    /// </summary>
    public ValueTask<int?> RefuseAsync(HttpContext context, string requestId)
    {
        if (_ip is not null && (_clients.ResolveAddress(context) is not { } client || !_ip.Allows(client)))
            return Refused(Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Client address not allowed",
                "the client address is not allowed on this route", requestId), StatusCodes.Status403Forbidden);

        if (Cors is not null)
        {
            if (CorsPolicy.IsPreflight(context.Request))
            {
                if (Cors.TryAnswerPreflight(context)) return new(StatusCodes.Status204NoContent);
                return Refused(Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "CORS preflight refused",
                    "the origin, method or headers asked for are not allowed on this route", requestId), StatusCodes.Status403Forbidden);
            }
            Cors.ApplyToResponse(context);
        }

        if (_missingPolicy is not null)
            return Refused(Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Auth policy missing",
                $"auth policy '{_missingPolicy}' is not configured on this node", requestId), StatusCodes.Status503ServiceUnavailable);
        if (_auth is null) return new((int?)null);
        var outcome = _auth.AuthenticateAsync(context);
        return outcome.IsCompletedSuccessfully ? Authenticated(context, outcome.Result, requestId) : AwaitAuthAsync(context, outcome, requestId);
    }

    private async ValueTask<int?> AwaitAuthAsync(HttpContext context, ValueTask<AuthOutcome> outcome, string requestId) =>
        await Authenticated(context, await outcome.ConfigureAwait(false), requestId).ConfigureAwait(false);

    private ValueTask<int?> Authenticated(HttpContext context, AuthOutcome outcome, string requestId)
    {
        var headers = context.Request.Headers;
        // Claim headers are the gateway's word: whatever the client sent under those names never travels on.
        foreach (var (_, header) in _forwardClaims) headers.Remove(header);
        if (outcome.Identity is not { } identity)
        {
            context.Response.Headers.WWWAuthenticate = _auth!.Challenge(outcome.Error);
            return Refused(Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized",
                outcome.Error ?? $"route requires credentials of auth policy '{_auth.Name}'", requestId), StatusCodes.Status401Unauthorized);
        }
        context.Features.Set(identity);
        foreach (var (claim, header) in _forwardClaims)
        {
            // A claim holding control characters (CR, LF) is not sent rather than allowed to shape the request.
            if (identity.Claim(claim) is { } value && value.AsSpan().IndexOfAnyInRange('\0', '\x1f') < 0) headers[header] = value;
        }
        return new((int?)null);
    }

    private static ValueTask<int?> Refused(Task write, int status) =>
        write.IsCompletedSuccessfully ? new(status) : AwaitWrite(write, status);

    private static async ValueTask<int?> AwaitWrite(Task write, int status)
    {
        await write.ConfigureAwait(false);
        return status;
    }
}
