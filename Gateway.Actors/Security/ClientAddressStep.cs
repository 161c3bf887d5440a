using Gateway.Actors.Chain;
using Gateway.Actors.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Security;

/// <summary>The route's client address rules (allow/deny lists, combined with the node's): 403 for an address they refuse.</summary>
internal sealed class ClientAddressStep(IpRuleSet rules, ClientAddressResolver clients) : IRequestStep
{
    private static readonly StepOutcome Refused = StepOutcome.Problem(StatusCodes.Status403Forbidden, "Client address not allowed",
        "the client address is not allowed on this route");

    public ValueTask<StepOutcome> InvokeAsync(RequestContext context, StepDelegate next) =>
        clients.ResolveAddress(context.Http) is { } client && rules.Allows(client) ? next(context) : new(Refused);
}
