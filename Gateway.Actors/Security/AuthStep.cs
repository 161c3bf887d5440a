using Gateway.Actors.Chain;
using Gateway.Protocol.Security;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Security;

/// <summary>
/// The route's auth policy: authenticates the request (401 with a challenge when it cannot), publishes the identity as a
/// request feature and forwards the configured claims as headers; 503 when the policy is missing on this node.
/// </summary>
internal sealed class AuthStep : IRequestStep
{
    private readonly RouteAuthenticator? _auth;
    private readonly KeyValuePair<string, string>[] _forwardClaims;
    private readonly StepOutcome? _missing;

    public AuthStep(RouteAuthenticator? auth, AuthPolicyDefinition? policy, string? missingPolicy)
    {
        _auth = auth;
        _forwardClaims = policy?.ForwardClaims.ToArray() ?? [];
        if (missingPolicy is not null)
            _missing = StepOutcome.Problem(StatusCodes.Status503ServiceUnavailable, "Auth policy missing",
                $"auth policy '{missingPolicy}' is not configured on this node");
    }

    public ValueTask<StepOutcome> InvokeAsync(RequestContext context, StepDelegate next)
    {
        if (_missing is { } missing) return new(missing);
        var outcome = _auth!.AuthenticateAsync(context.Http);
        if (!outcome.IsCompletedSuccessfully) return AwaitAsync(context, outcome, next);
        return Authenticated(context, outcome.Result) is { } refused ? new(refused) : next(context);
    }

    private async ValueTask<StepOutcome> AwaitAsync(RequestContext context, ValueTask<AuthOutcome> pending, StepDelegate next)
    {
        var outcome = await pending.ConfigureAwait(false);
        return Authenticated(context, outcome) is { } refused ? refused : await next(context).ConfigureAwait(false);
    }

    private StepOutcome? Authenticated(RequestContext context, AuthOutcome outcome)
    {
        var http = context.Http;
        var headers = http.Request.Headers;
        // Claim headers are the gateway's word: whatever the client sent under those names never travels on.
        foreach (var (_, header) in _forwardClaims) headers.Remove(header);
        if (outcome.Identity is not { } identity)
        {
            http.Response.Headers.WWWAuthenticate = _auth!.Challenge(outcome.Error);
            return StepOutcome.Problem(StatusCodes.Status401Unauthorized, "Unauthorized",
                outcome.Error ?? $"route requires credentials of auth policy '{_auth.Name}'");
        }
        http.Features.Set(identity);
        foreach (var (claim, header) in _forwardClaims)
        {
            // A claim holding control characters (CR, LF) is not sent rather than allowed to shape the request.
            if (identity.Claim(claim) is { } value && value.AsSpan().IndexOfAnyInRange('\0', '\x1f') < 0) headers[header] = value;
        }
        return null;
    }
}
